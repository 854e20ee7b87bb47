import Testing
import WangqianKafka

@Suite("librdkafka version (no broker)")
struct LibrdkafkaVersionTests {
    @Test func comparesVersions() {
        #expect(!LibrdkafkaVersion.isSupported((2, 0, 2)))
        #expect(LibrdkafkaVersion.isSupported((2, 1, 0)))
        #expect(LibrdkafkaVersion.isSupported((2, 8, 0)))
        #expect(LibrdkafkaVersion.isSupported((3, 0, 0)))
        #expect(!LibrdkafkaVersion.isSupported((1, 9, 9)))
        #expect(!LibrdkafkaVersion.isSupported((2, 7, 9), minimum: (2, 8, 0)))
    }

    @Test func tooOldVersionGivesReadableError() {
        let error = #expect(throws: KafkaError.self) { try LibrdkafkaVersion.check(found: (2, 0, 2)) }
        #expect(error?.code == .unsupportedLibraryVersion)
        #expect(error?.message.contains("2.0.2 found") == true)
        #expect(error?.message.contains("2.1.0 or newer required") == true)
        #expect(error?.message.contains("deploy/local/setup.sh") == true)
    }

    @Test func installedLibraryPasses() throws {
        let current = LibrdkafkaVersion.current
        #expect(current.major >= 2, "found \(current)")
        try LibrdkafkaVersion.check()
    }
}
