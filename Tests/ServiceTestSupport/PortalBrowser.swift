import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceKit
import Testing

/// A service's portal driven as a browser would, in process: the session cookie (which carries an API token, as
/// the sign-on sets it), the CSRF cookie a page sets and the `_csrf` field its forms send back.
public struct PortalBrowser: Sendable {
    let service: InProcessService
    /// The portal's name and base path (`student` → `/student`).
    public let portal: String
    /// The session token, nil for a visitor who has not signed on (a sign-on's answer sets it).
    public private(set) var session: String?
    /// The CSRF token the portal set on the first page.
    var csrf: String?

    public init(_ service: InProcessService, portal: String, session: String?) {
        self.service = service
        self.portal = portal
        self.session = session
    }

    var cookies: String {
        [session.map { "wq_\(portal)_session=\($0)" }, csrf.map { "wq_\(portal)_csrf=\($0)" }].compactMap { $0 }.joined(separator: "; ")
    }

    /// GETs `path` (under the portal's base path); remembers the CSRF cookie the page sets.
    public mutating func get(_ path: String) async throws -> TestResponse {
        var headers = HTTPFields()
        if !cookies.isEmpty { headers[.cookie] = cookies }
        return remember(try await service.client.execute(uri: "/\(portal)\(path)", method: .get, headers: headers))
    }

    /// Keeps the cookies an answer sets, as a browser does.
    mutating func remember(_ response: TestResponse) -> TestResponse {
        for set in response.headers[values: .setCookie] {
            let pair = set.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if pair[0] == "wq_\(portal)_csrf" { csrf = pair[1] }
            if pair[0] == "wq_\(portal)_session" { session = pair[1].isEmpty ? nil : pair[1] }
        }
        return response
    }

    /// POSTs a form to `path`, with the `_csrf` field of the last page unless `csrf` is false.
    public mutating func post(_ path: String, _ fields: [String: String], csrf withToken: Bool = true) async throws -> TestResponse {
        var form = fields
        if withToken, let csrf { form["_csrf"] = csrf }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { headers[.cookie] = cookies }
        return remember(try await service.client.execute(uri: "/\(portal)\(path)", method: .post, headers: headers, body: ByteBuffer(string: body)))
    }
}

extension TestResponse {
    /// The body as text (a page's HTML).
    public var text: String { String(buffer: body) }
}
