/// The body of a step that needs a reason (退回, 拿回重签): shown to the other party, checked by the decider.
public struct ReasonRequest: Decodable, Sendable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}
