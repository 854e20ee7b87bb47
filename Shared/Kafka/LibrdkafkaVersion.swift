import Crdkafka

/// The librdkafka this process linked against, and the minimum the adapter accepts.
///
/// Debian 12's librdkafka 2.0.2 cannot talk to Tansu (it mis-reads ApiVersions v3: "Read underflow"),
/// hence the minimum of 2.1.0.
public enum LibrdkafkaVersion {
    public typealias Version = (major: Int, minor: Int, patch: Int)

    public static let defaultMinimum: Version = (2, 1, 0)

    /// The loaded library's version (from `rd_kafka_version()`, not the headers).
    public static var current: Version {
        let v = Int(rd_kafka_version())  // 0xMMmmrrxx
        return ((v >> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff)
    }

    /// Pure comparison: is `version` at least `minimum`?
    public static func isSupported(_ version: Version, minimum: Version = defaultMinimum) -> Bool {
        (version.major, version.minor, version.patch) >= (minimum.major, minimum.minor, minimum.patch)
    }

    /// Throws `.unsupportedLibraryVersion` with the found and required versions and how to fix it.
    /// `found` defaults to the loaded library; tests pass other versions.
    public static func check(found: Version = current, minimum: Version = defaultMinimum) throws(KafkaError) {
        guard !isSupported(found, minimum: minimum) else { return }
        throw KafkaError(
            .unsupportedLibraryVersion,
            "librdkafka \(text(found)) found, \(text(minimum)) or newer required "
                + "(older versions cannot talk to the Tansu broker). Fix: run deploy/local/setup.sh, "
                + "which builds librdkafka 2.8.0 into /usr/local, or install librdkafka >= \(text(minimum)) "
                + "from your distribution, then rebuild.")
    }

    static func text(_ v: Version) -> String { "\(v.major).\(v.minor).\(v.patch)" }
}
