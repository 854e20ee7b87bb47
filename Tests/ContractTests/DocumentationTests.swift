import AgreementContract
import Foundation
import Testing

/// docs/asyncapi.yaml and docs/events.md describe the contract the code implements: every event type and topic
/// appears in them. (A drift guard; the AsyncAPI document's schemas are checked against the golden files with a
/// JSON Schema validator when it is edited.)
@Suite struct DocumentationTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs")

    static func read(_ name: String) throws -> String {
        try String(contentsOf: docs.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func asyncAPIDescribesEveryEventTypeAndTopic() throws {
        let yaml = try Self.read("asyncapi.yaml")
        #expect(yaml.contains("asyncapi: 3.0.0"))
        for type in EventType.current {
            #expect(yaml.contains("const: \(type.description)"), "asyncapi.yaml lacks \(type)")
            #expect(yaml.contains("\(type.shortName):"), "asyncapi.yaml lacks the message \(type.shortName)")
        }
        for (name, partitions) in Topics().all {
            #expect(yaml.contains("address: \(name)"))
            #expect(yaml.contains("topic: \(name)\n        partitions: \(partitions)"), "\(name) with \(partitions) partitions")
        }
    }

    @Test func theGuideListsEveryEventTypeAndTopic() throws {
        let guide = try Self.read("events.md")
        for type in EventType.current {
            #expect(guide.contains("`\(type.name)`") || guide.contains(type.description), "events.md lacks \(type.name)")
        }
        for (name, partitions) in Topics().all {
            #expect(guide.contains("`\(name)` | \(partitions) |"), "events.md lacks \(name)")
        }
    }
}
