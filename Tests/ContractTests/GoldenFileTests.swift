import AgreementContract
import AgreementDomain
import Foundation
import Testing

/// The JSON of every event type is pinned in Tests/ContractTests/Golden/, so a change to the public contract is
/// always deliberate. Regenerate with `WANGQIAN_REGENERATE_GOLDEN=1 swift test --filter GoldenFileTests` and
/// review the diff; otherwise a difference FAILS the test.
@Suite struct GoldenFileTests {
    static let regenerate = ProcessInfo.processInfo.environment["WANGQIAN_REGENERATE_GOLDEN"] == "1"
    static let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The stored golden file, or nil (the bundle holds the copy made at build time).
    static func stored(_ name: String) -> [UInt8]? {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Golden"),
              let data = try? Data(contentsOf: url) else { return nil }
        return Array(data)
    }

    static func check(_ name: String, _ actual: [UInt8]) throws {
        if regenerate {
            try FileManager.default.createDirectory(at: sourceDirectory, withIntermediateDirectories: true)
            try Data(actual).write(to: sourceDirectory.appendingPathComponent("\(name).json"))
            return
        }
        guard let expected = stored(name) else {
            Issue.record("Golden/\(name).json is missing: run with WANGQIAN_REGENERATE_GOLDEN=1 and review it")
            return
        }
        if actual != expected {
            Issue.record("""
                \(name): the encoded JSON differs from Golden/\(name).json. If the contract change is deliberate, \
                regenerate with WANGQIAN_REGENERATE_GOLDEN=1, review the diff and follow the versioning rules in \
                docs/events.md.
                --- golden file
                \(String(decoding: expected, as: UTF8.self))
                --- encoded now
                \(String(decoding: actual, as: UTF8.self))
                """)
        }
    }

    @Test(arguments: Samples.all)
    func payloadMatchesTheGoldenFileAndDecodesBack(_ sample: Sample) throws {
        let encoded = sample.event.json(pretty: true) + Array("\n".utf8)
        try Self.check(sample.name, encoded)
        let file = Self.regenerate ? encoded : try #require(Self.stored(sample.name))
        #expect(try ContractEvent.decode(sample.event.eventType, json: file) == sample.event)
    }

    @Test func theBinaryModeHeadersMatchTheGoldenFile() throws {
        let record = CloudEvent.encode(Samples.all[1].event, id: Samples.eventID, source: Samples.source, time: Samples.emittedAt)
        struct Pinned: Encodable {
            var key: String
            var headers: [[String]]
        }
        let encoder = ContractJSON.encoder(pretty: true)
        let pinned = Pinned(key: record.key, headers: record.headers.map { [$0.0, String(decoding: $0.1, as: UTF8.self)] })
        try Self.check("kafka-record.agreement.submitted.v1", Array(try encoder.encode(pinned)) + Array("\n".utf8))
    }

    @Test func everyEventTypeHasASampleAndAGoldenFile() {
        #expect(Set(Samples.all.map(\.event.eventType)) == Set(EventType.current))
        #expect(EventType.current.count == 18)
        if !Self.regenerate {
            for type in EventType.current {
                #expect(Self.stored(type.shortName) != nil, "Golden/\(type.shortName).json")
            }
        }
    }
}
