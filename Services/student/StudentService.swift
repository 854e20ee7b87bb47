import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import PortalKit
import ServiceKit
import WangqianPostgres

enum StudentService {
    /// The student service as one application, built from its configuration alone (see `SchedulerApplication`).
    static func build(_ config: ServiceConfiguration) async throws -> some ApplicationProtocol {
        let runtime = try await ServiceRuntime.bootstrap(config, migrations: StudentStore.migrations)
        let consumers = runtime.consumers(
            otherTopics: [runtime.topics.studentRoster, runtime.topics.employerRegistry],
            onOther: { events, connection in try await StudentStore.apply(events, on: connection) })
        let actions = StudentActions(students: StudentStore(pool: runtime.pool), agreements: runtime.agreements, commands: runtime.commands)
        let router = runtime.makeRouter()
        StudentRoutes(tokens: runtime.tokens, actions: actions).add(to: router)
        try StudentPortal(parts: runtime.portalParts, actions: actions,
                          verification: PrintVerification(secret: runtime.config.verifySecret)).add(to: router)
        return try runtime.application(router: router, services: consumers, document: StudentAPIDocument.document)
    }
}
