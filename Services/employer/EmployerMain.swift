import ServiceKit
import Hummingbird

/// The employer service: 待签约信息, 已签约信息, signing, returning, taking back and batch signing, and the
/// employer registry it owns. Reads only its configuration.
@main
struct EmployerMain {
    static func main() async {
        await ServiceRuntime.main("employer") {
            let config = ServiceConfiguration.load(service: "employer", defaultPort: 8082)
            let runtime = try await ServiceRuntime.bootstrap(config, migrations: EmployerAccounts.migrations + EmployerLogins.migrations)
            let router = runtime.makeRouter()
            EmployerRoutes(runtime: runtime).add(to: router)
            try EmployerPortal(runtime: runtime).add(to: router)
            try await runtime.run(router: router, services: runtime.consumers(), openAPI: String(decoding: PackageResources.openapi_json, as: UTF8.self), commandRoles: [.employer])
        }
    }
}
