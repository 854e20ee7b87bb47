import ServiceKit
import Hummingbird

/// The employer service: 待签约信息, 已签约信息, signing, returning, taking back and batch signing, and the
/// employer registry it owns. Reads only its configuration.
@main
struct EmployerMain {
    static func main() async {
        await ServiceRuntime.main("employer") {
            let config = ServiceConfiguration.load(service: "employer", defaultPort: 8082)
            try await EmployerApplication.build(config).runService()
        }
    }
}
