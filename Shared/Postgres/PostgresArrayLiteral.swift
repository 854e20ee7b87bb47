/// One-dimensional array literals, "{a,"b c",NULL}", as PostgreSQL's array input and output functions use them.
enum PostgresArrayLiteral {
    /// Every element quoted, so no element text needs inspecting.
    static func format(_ elements: [String]) -> String {
        var text = "{"
        for (position, element) in elements.enumerated() {
            if position > 0 { text += "," }
            text += "\""
            for character in element {
                if character == "\"" || character == "\\" { text += "\\" }
                text.append(character)
            }
            text += "\""
        }
        return text + "}"
    }

    /// The elements, nil for NULL; nil when `text` is not a one-dimensional literal.
    static func parse(_ text: String) -> [String?]? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        let body = bytes[1..<(bytes.count - 1)]
        if body.isEmpty { return [] }
        var elements: [String?] = []
        var current: [UInt8] = []
        var quoted = false  // the current element had quotes: "NULL" is a string, NULL is not
        var inQuotes = false
        var escaped = false
        func finish() {
            let element = String(decoding: current, as: UTF8.self)
            elements.append(!quoted && element.uppercased() == "NULL" ? nil : element)
            current = []
            quoted = false
        }
        for byte in body {
            if escaped {
                current.append(byte)
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else if byte == UInt8(ascii: "\"") {
                inQuotes.toggle()
                quoted = true
            } else if inQuotes {
                current.append(byte)
            } else if byte == UInt8(ascii: ",") {
                finish()
            } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") {
                return nil  // nested: more than one dimension
            } else {
                current.append(byte)
            }
        }
        guard !inQuotes, !escaped else { return nil }
        finish()
        return elements
    }
}
