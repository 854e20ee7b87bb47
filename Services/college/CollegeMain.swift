import Hummingbird
import ServiceKit

/// The college service: the student roster it owns, 网上签约审核 (review and approval), printing and
/// 网上签约备案 (filing). Reads only its configuration.
@main
struct CollegeMain {
    static func main() async {
        await ServiceRuntime.main("college") {
            let config = ServiceConfiguration.load(service: "college", defaultPort: 8083)
            try await CollegeApplication.build(config).runService()
        }
    }
}
