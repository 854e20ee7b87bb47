import Hummingbird
import ServiceKit

/// The scheduler: durable seven-day timers that emit the auto-confirmation event. Reads only its configuration.
@main
struct SchedulerMain {
    static func main() async {
        await ServiceRuntime.main("scheduler") {
            let config = ServiceConfiguration.load(service: "scheduler", defaultPort: 8084)
            try await SchedulerApplication.build(config).runService()
        }
    }
}
