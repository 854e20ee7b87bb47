import Cqrencode
import Foundation

/// A QR code symbol from libqrencode (Debian's `libqrencode-dev`): the only place that sees the C library.
///
/// `QRCode(encoding:)` copies the symbol's modules out of the C struct and frees it at once, so nothing of the
/// library outlives the call.
public struct QRCode: Sendable, Equatable {
    /// Modules per side (without the quiet zone).
    public let size: Int
    /// `size × size` modules, row by row: true is dark.
    public let modules: [Bool]

    /// Error correction: M recovers about 15% of the symbol (the usual choice for printed codes).
    public enum Correction: Sendable { case low, medium, quartile, high }

    public struct Failed: Error, CustomStringConvertible {
        public var description: String
    }

    public init(encoding text: String, correction: Correction = .medium) throws(Failed) {
        let level: QRecLevel = switch correction {
        case .low: QR_ECLEVEL_L
        case .medium: QR_ECLEVEL_M
        case .quartile: QR_ECLEVEL_Q
        case .high: QR_ECLEVEL_H
        }
        guard !text.isEmpty, !text.utf8.contains(0) else { throw Failed(description: "a QR code needs a non-empty text without NUL") }
        // Version 0: the smallest symbol that holds the text; 8-bit mode, case-sensitive.
        guard let symbol = text.withCString({ QRcode_encodeString($0, 0, level, QR_MODE_8, 1) }) else {
            throw Failed(description: "libqrencode could not encode \(text.utf8.count) bytes")
        }
        defer { QRcode_free(symbol) }
        let width = Int(symbol.pointee.width)
        let data = UnsafeBufferPointer(start: symbol.pointee.data, count: width * width)
        size = width
        modules = data.map { $0 & 1 == 1 }
    }

    public func isDark(row: Int, column: Int) -> Bool { modules[row * size + column] }

    /// The symbol as an SVG image (dark squares on white) with the standard four-module quiet zone.
    /// - Parameter label: the image's accessible name.
    public func svg(label: String) -> String {
        let quiet = 4, side = size + 2 * quiet
        var path = ""
        for row in 0..<size {
            for column in 0..<size where isDark(row: row, column: column) {
                path += "M\(column + quiet) \(row + quiet)h1v1h-1z"
            }
        }
        let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
        return """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" role="img" aria-label="\(escaped)" shape-rendering="crispEdges"><rect width="\(side)" height="\(side)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
        """
    }

    /// The symbol as a plain PBM image (netpbm P1), `scale` pixels per module, quiet zone included (for tests that
    /// decode it with zbarimg).
    public func pbm(scale: Int = 4) -> String {
        let quiet = 4, side = (size + 2 * quiet) * scale
        var lines = ["P1", "\(side) \(side)"]
        for y in 0..<side {
            let row = y / scale - quiet
            var line = ""
            line.reserveCapacity(side * 2)
            for x in 0..<side {
                let column = x / scale - quiet
                let dark = row >= 0 && row < size && column >= 0 && column < size && isDark(row: row, column: column)
                line += dark ? "1 " : "0 "
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
