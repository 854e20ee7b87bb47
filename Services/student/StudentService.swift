import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit
import WangqianPostgres

enum StudentService {
    /// The student service as one application, built from its configuration alone (see `SchedulerApplication`).
    static func build(_ config: ServiceConfiguration) async throws -> some ApplicationProtocol {
        let runtime = try await ServiceRuntime.bootstrap(config, migrations: StudentStore.migrations)
        let consumers = runtime.consumers(
            otherTopics: [runtime.topics.studentRoster, runtime.topics.employerRegistry],
            onOther: { events, connection in try await StudentStore.apply(events, on: connection) })
        let router = runtime.makeRouter()
        StudentRoutes(runtime: runtime).add(to: router)
        try StudentPortal(runtime: runtime).add(to: router)
        return runtime.application(router: router, services: consumers,
                                   openAPI: String(decoding: PackageResources.openapi_json, as: UTF8.self),
                                   commandRoles: [.student])
    }
}
