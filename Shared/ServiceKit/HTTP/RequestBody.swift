import AgreementDomain
import Foundation
import Hummingbird

extension Request {
    /// Decodes a JSON body; a malformed body is a 400 naming the field, never a stack of decoder text.
    public func decodeBody<T: Decodable>(as type: T.Type, context: AppRequestContext) async throws(APIError) -> T {
        try requireContentType(["application/json"])
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "请求内容过大")
        }
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("malformed_body", "请求内容为空") }
        do {
            return try JSON.decoder.decode(T.self, from: Data(buffer.readableBytesView))
        } catch let DecodingError.typeMismatch(_, context) where context.codingPath.isEmpty {
            throw APIError.badRequest("malformed_body", "请求内容必须是 JSON 对象")
        } catch let DecodingError.valueNotFound(_, context) where context.codingPath.isEmpty {
            throw APIError.badRequest("malformed_body", "请求内容必须是 JSON 对象")
        } catch let DecodingError.keyNotFound(key, context) {
            throw APIError.validation("缺少必填字段：\(Self.path(context.codingPath + [key]))", field: Self.path(context.codingPath + [key]))
        } catch let DecodingError.typeMismatch(_, context) {
            throw APIError.badRequest("malformed_body", "字段类型不正确：\(Self.path(context.codingPath))", field: Self.path(context.codingPath))
        } catch let DecodingError.valueNotFound(_, context) {
            throw APIError.validation("缺少必填字段：\(Self.path(context.codingPath))", field: Self.path(context.codingPath))
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw APIError.badRequest("malformed_body", "字段格式不正确：\(Self.path(context.codingPath))", field: Self.path(context.codingPath))
        } catch {
            throw APIError.badRequest("malformed_body", "请求内容不是有效的 JSON")
        }
    }

    /// A body must declare one of `mediaTypes` (parameters such as `charset` aside): 415 otherwise.
    public func requireContentType(_ mediaTypes: Set<String>) throws(APIError) {
        let declared = headers[.contentType]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaTypes.contains(declared) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           message: "请求内容类型必须是 \(mediaTypes.sorted().joined(separator: " 或 "))")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// A query parameter, trimmed; nil when absent or blank. Control characters and texts over
    /// `maxLength` characters are refused (422) before they reach a query.
    public func query(_ name: String, maxLength: Int = AgreementValidation.maxQueryLength) throws(APIError) -> String? {
        guard let v = uri.queryParameters.get(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        do { try AgreementValidation.validate(query: v, field: name, maxLength: maxLength) } catch { throw APIError(error) }
        return v
    }
}
