import Foundation
import ServiceKit
import Testing

/// A service's committed OpenAPI document (`Services/<service>/openapi.json`, what other systems read without
/// running the service) is the document the service builds from its Swift types and serves.
public enum CommittedDocument {
    public static func file(_ service: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Services/\(service)/openapi.json")
    }

    /// Expects the committed file to be `document` rendered; `WANGQIAN_REGENERATE_GOLDEN=1` writes it instead.
    public static func expectUpToDate(_ document: APIDocument, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let rendered = try document.rendered()
        let url = file(document.service)
        if ProcessInfo.processInfo.environment["WANGQIAN_REGENERATE_GOLDEN"] == "1" {
            try Data(rendered.utf8).write(to: url)
            return
        }
        let committed = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        #expect(committed == rendered,
                "Services/\(document.service)/openapi.json is out of date: run WANGQIAN_REGENERATE_GOLDEN=1 swift test --skip-build --filter DocumentTests",
                sourceLocation: sourceLocation)
    }
}
