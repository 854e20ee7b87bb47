import AgreementDomain
import Hummingbird

struct CommandStatus: Codable, ResponseEncodable, Sendable {
    struct ErrorBody: Codable, Sendable {
        var code: String
        var message: String
        init(_ refusal: AgreementRefusal) { code = refusal.code.rawValue; message = refusal.message }
        init(code: String, message: String) { self.code = code; self.message = message }
    }
    /// `applied` or `refused` by our projection, `pending` (not applied here yet), or `failed` (parked).
    enum Outcome: String, Codable, CaseIterable, Sendable { case applied, refused, pending, failed }
    var commandId: String
    var outcome: Outcome
    var error: ErrorBody?
}
