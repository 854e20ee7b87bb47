import Foundation
import Testing
import WangqianQRCode

/// The adapter against the real thing: what libqrencode encodes, zbarimg (Debian's zbar-tools) decodes.
@Suite struct QRCodeTests {
    @Test func encodesWhatZbarDecodes() throws {
        let url = "https://jy.example.edu.cn/college/verify/20271000100000123-2-K7Q2M9XW4TBR8DZA"
        let code = try QRCode(encoding: url)
        #expect(code.size >= 21 && (code.size - 21) % 4 == 0)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("wangqian-qr-\(UUID()).pbm")
        try code.pbm(scale: 6).write(to: file, atomically: true, encoding: .ascii)
        defer { try? FileManager.default.removeItem(at: file) }
        let zbar = Process()
        zbar.executableURL = URL(fileURLWithPath: "/usr/bin/zbarimg")
        zbar.arguments = ["--quiet", "--raw", file.path]
        let out = Pipe()
        zbar.standardOutput = out
        try zbar.run()
        zbar.waitUntilExit()
        let decoded = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(zbar.terminationStatus == 0)
        #expect(decoded.trimmingCharacters(in: .whitespacesAndNewlines) == url)
    }

    @Test func theSVGHasOneSquarePerDarkModule() throws {
        let code = try QRCode(encoding: "wangqian")
        let svg = code.svg(label: "核验二维码 <1>")
        #expect(svg.components(separatedBy: "h1v1h-1z").count - 1 == code.modules.filter { $0 }.count)
        #expect(svg.contains("aria-label=\"核验二维码 &lt;1>\""))
    }

    @Test func refusesWhatCannotBeEncoded() {
        #expect(throws: QRCode.Failed.self) { try QRCode(encoding: "") }
        #expect(throws: QRCode.Failed.self) { try QRCode(encoding: String(repeating: "x", count: 4000)) }
    }
}
