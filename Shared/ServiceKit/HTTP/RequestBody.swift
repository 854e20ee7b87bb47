import Foundation
import Hummingbird

extension Request {
    /// Decodes a JSON body; a malformed body is a 400 naming the field, never a stack of decoder text.
    public func decodeBody<T: Decodable>(as type: T.Type, context: AppRequestContext) async throws(APIError) -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "请求内容过大")
        }
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("malformed_body", "请求内容为空") }
        do {
            return try JSON.decoder.decode(T.self, from: Data(buffer.readableBytesView))
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

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// A query parameter, trimmed; nil when absent or blank.
    public func query(_ name: String) -> String? {
        guard let v = uri.queryParameters.get(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }
}
