import Foundation

/// The fields of an `application/x-www-form-urlencoded` body (or a query string), in order, repeats kept (a
/// group of checkboxes sends one field per ticked box).
public struct FormData: Sendable, Equatable {
    public private(set) var fields: [(name: String, value: String)]
    /// The files of a `multipart/form-data` form.
    public internal(set) var files: [File] = []

    public struct File: Sendable {
        public var field: String
        public var filename: String
        public var bytes: [UInt8]
    }

    /// The first file sent as `field`.
    public func file(_ field: String) -> File? { files.first { $0.field == field } }

    public static func == (a: FormData, b: FormData) -> Bool {
        a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
            && a.files.map(\.bytes) == b.files.map(\.bytes)
    }

    public init(fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// Parses `a=1&b=%E5%90%8C+%E6%84%8F`; `+` is a space. A pair that is not valid percent-encoded UTF-8 is dropped.
    public init(urlEncoded text: String) {
        var fields: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String? { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), !name.isEmpty,
                  let value = parts.count > 1 ? decode(parts[1]) : "" else { continue }
            fields.append((name, value))
        }
        self.fields = fields
    }

    /// The first value of `name`.
    public subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// Every value of `name`.
    public func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// The value of `name`, or "" when absent.
    public func text(_ name: String) -> String { self[name] ?? "" }

    /// The value of `name`, nil when absent or blank.
    public func optional(_ name: String) -> String? {
        guard let v = self[name], !v.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return v
    }
}
