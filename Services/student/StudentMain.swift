import Hummingbird
import ServiceKit

/// The student service: 我的签约 — basic information, the employer search, the draft, submission and
/// confirmation. Reads only its configuration; everything else is built by `StudentService`.
@main
struct StudentMain {
    static func main() async {
        await ServiceRuntime.main("student") {
            let config = ServiceConfiguration.load(service: "student", defaultPort: 8081)
            try await StudentService.build(config).runService()
        }
    }
}
