import AgreementDomain
import Hummingbird

struct CommandStatus: ResponseEncodable, Sendable {
    struct ErrorBody: Encodable, Sendable {
        var code: String
        var message: String
        init(_ refusal: AgreementRefusal) { code = refusal.code.rawValue; message = refusal.message }
        init(code: String, message: String) { self.code = code; self.message = message }
    }
    var commandId: String
    var outcome: String
    var error: ErrorBody?
}
