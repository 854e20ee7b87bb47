import AgreementDomain

/// Which service may emit each event type, and for which kind of actor: part of the public contract.
///
/// A consumer applies an event only when its signature is that of its `ce_source` (``EventKeyRing/verify``) and
/// that source may emit it with the actor it names (``check(_:emitter:)``). The domain's `evolve` then decides
/// whether that particular actor may act on that particular agreement.
public enum EmitterPolicy {
    /// One allowed pairing of emitting service and actor roles (`Actor.role`); empty roles: the event has no actor.
    public struct Rule: Sendable, Hashable {
        public var emitter: String
        public var actorRoles: Set<String>
    }

    /// The rules for an event type name (`agreement.collegeApproved`, `registry.employerApproved`, …).
    public static func rules(family: String, name: String) -> [Rule] {
        switch (family, name) {
        case ("agreement", "draftSaved"), ("agreement", "submitted"), ("agreement", "studentConfirmed"):
            [Rule(emitter: "student", actorRoles: ["student"])]
        case ("agreement", "employerSigned"), ("agreement", "employerReturned"), ("agreement", "employerTookBack"):
            [Rule(emitter: "employer", actorRoles: ["employer"])]
        case ("agreement", "autoConfirmed"):
            [Rule(emitter: "scheduler", actorRoles: ["system"])]
        case ("agreement", "collegeApproved"), ("agreement", "collegeReturned"), ("agreement", "reprintAuthorised"),
             ("agreement", "filed"):
            [Rule(emitter: "college", actorRoles: ["counselor", "office"])]
        case ("agreement", "copyPrinted"):
            [Rule(emitter: "student", actorRoles: ["student"]), Rule(emitter: "college", actorRoles: ["counselor", "office"])]
        case ("roster", _):
            [Rule(emitter: "college", actorRoles: [])]
        case ("registry", _):
            [Rule(emitter: "employer", actorRoles: [])]
        default:
            []
        }
    }

    /// Throws unless `emitter` may emit `event` (with its actor, for agreement events).
    public static func check(_ event: ContractEvent, emitter: String) throws(ContractError) {
        let type = event.eventType
        let actor: Actor? = if case .agreement(let e) = event { e.actor } else { nil }
        let allowed = rules(family: type.family, name: type.name).contains { rule in
            guard rule.emitter == emitter else { return false }
            guard let actor else { return rule.actorRoles.isEmpty }
            return rule.actorRoles.contains(actor.role)
        }
        guard allowed else {
            throw .emitterNotAllowed(type: type.description, source: "/wangqian/\(emitter)", actor: actor.map { "\($0)" } ?? "none")
        }
    }
}
