import AgreementContract
import AgreementDomain
import Foundation
import Hummingbird
import ServiceKit
import WangqianPostgres

enum StudentService {
    static func run(_ config: ServiceConfiguration) async throws {
        let runtime = try await ServiceRuntime.bootstrap(config, migrations: StudentStore.migrations)
        let consumers = runtime.consumers(
            otherTopics: [runtime.topics.studentRoster, runtime.topics.employerRegistry],
            onOther: { event, connection in try await StudentStore.apply(event, on: connection) })
        let router = runtime.makeRouter()
        StudentRoutes(runtime: runtime).add(to: router)
        try StudentPortal(runtime: runtime).add(to: router)
        try await runtime.run(router: router, services: consumers, openAPI: String(decoding: PackageResources.openapi_json, as: UTF8.self), commandRoles: [.student])
    }
}
