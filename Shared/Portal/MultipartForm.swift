import Foundation
import MultipartKit
import NIOCore

/// A `multipart/form-data` body (a form with a file input), parsed by MultipartKit into the form's text fields
/// and its files.
enum MultipartForm {
    struct Failed: Error {}

    /// The boundary of a `multipart/form-data; boundary=…` content type.
    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let kv = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    static func parse(_ body: ByteBuffer, boundary: String) throws -> FormData {
        let parser = MultipartParser(boundary: boundary)
        var fields: [(String, String)] = []
        var files: [FormData.File] = []
        var headers: [(String, String)] = []
        var content = ByteBuffer()
        parser.onHeader = { name, value in headers.append((name.lowercased(), value)) }
        parser.onBody = { chunk in content.writeBuffer(&chunk) }
        parser.onPartComplete = {
            let disposition = headers.first { $0.0 == "content-disposition" }?.1 ?? ""
            if let name = parameter("name", in: disposition) {
                let bytes = Array(content.readableBytesView)
                if let filename = parameter("filename", in: disposition) {
                    files.append(FormData.File(field: name, filename: filename, bytes: bytes))
                } else {
                    fields.append((name, String(decoding: bytes, as: UTF8.self)))
                }
            }
            headers = []
            content = ByteBuffer()
        }
        do { try parser.execute(body) } catch { throw Failed() }
        var form = FormData(fields: fields)
        form.files = files
        return form
    }

    /// `name="value"` inside a Content-Disposition header.
    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == key {
                return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}
