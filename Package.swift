// swift-tools-version:6.2
import PackageDescription

// Wangqian: online signing of graduate employment agreements.
// One executable per role (Services/), shared libraries (Shared/), tests (Tests/).

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "wangqian",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "wangqian-student", targets: ["StudentService"]),
        .executable(name: "wangqian-employer", targets: ["EmployerService"]),
        .executable(name: "wangqian-college", targets: ["CollegeService"]),
        .executable(name: "wangqian-scheduler", targets: ["SchedulerService"]),
        .executable(name: "wangqianctl", targets: ["WangqianCtl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.1.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/multipart-kit.git", from: "4.7.1"),
    ],
    targets: [
        // C modules: the only places that see the system libraries.
        .systemLibrary(
            name: "Crdkafka", path: "Shared/Crdkafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(
            name: "Clibpq", path: "Shared/Clibpq", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),

        // QR codes on the printed agreement, from libqrencode (Debian's libqrencode-dev).
        .systemLibrary(
            name: "Cqrencode", path: "Shared/Cqrencode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]),

        // Adapters, one per external system.
        .target(
            name: "WangqianKafka",
            dependencies: ["Crdkafka", .product(name: "Logging", package: "swift-log")],
            path: "Shared/Kafka", swiftSettings: strict),
        .target(name: "WangqianQRCode", dependencies: ["Cqrencode"], path: "Shared/QRCode", swiftSettings: strict),
        .target(
            name: "WangqianPostgres",
            dependencies: ["Clibpq", .product(name: "Logging", package: "swift-log")],
            path: "Shared/Postgres", swiftSettings: strict),

        // The pure domain and the public event contract.
        // swift-crypto only for SHA-1 of name-based UUIDs: a pure computation, the domain stays pure.
        .target(
            name: "AgreementDomain", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/Domain", swiftSettings: strict),
        .target(
            name: "AgreementContract",
            dependencies: ["AgreementDomain", .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/Contract", swiftSettings: strict),

        // What every service shares: configuration, HTTP glue, tokens, outbox, projections.
        .target(
            name: "ServiceKit",
            dependencies: [
                "AgreementDomain", "AgreementContract", "WangqianKafka", "WangqianPostgres",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/ServiceKit", swiftSettings: strict),

        // The portals' shared part: layout, sessions, CSRF, sign-on seam, agreement display.
        .target(
            name: "PortalKit",
            dependencies: [
                "ServiceKit", "AgreementDomain", "WangqianQRCode",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/Portal", swiftSettings: strict),

        // The four role services.
        .executableTarget(
            name: "StudentService", dependencies: ["ServiceKit", "PortalKit"], path: "Services/student",
            exclude: ["openapi.json"], swiftSettings: strict),
        .executableTarget(
            name: "EmployerService", dependencies: ["ServiceKit", "PortalKit", .product(name: "CryptoExtras", package: "swift-crypto")], path: "Services/employer",
            exclude: ["openapi.json"], swiftSettings: strict),
        .executableTarget(
            name: "CollegeService", dependencies: ["ServiceKit", "PortalKit"], path: "Services/college",
            exclude: ["openapi.json"], swiftSettings: strict),
        .executableTarget(
            name: "SchedulerService", dependencies: ["ServiceKit"], path: "Services/scheduler",
            exclude: ["openapi.json"], swiftSettings: strict),
        .executableTarget(
            name: "WangqianCtl",
            dependencies: ["ServiceKit", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Services/ctl", swiftSettings: strict),

        // Tests: pure unit tests, and integration tests against the real broker and database.
        .testTarget(
            name: "DomainTests",
            dependencies: ["AgreementDomain", .product(name: "PropertyBased", package: "swift-property-based"),
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/DomainTests"),
        .testTarget(
            name: "ContractTests", dependencies: ["AgreementContract"], path: "Tests/ContractTests",
            resources: [.copy("Golden")]),
        .testTarget(name: "KafkaTests", dependencies: ["WangqianKafka"], path: "Tests/KafkaTests"),
        .testTarget(name: "PostgresTests", dependencies: ["WangqianPostgres"], path: "Tests/PostgresTests"),
        .testTarget(
            name: "ServiceKitTests", dependencies: ["ServiceKit", "AgreementContract", "WangqianKafka", "WangqianPostgres", "ServiceTestSupport",
                                                    .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/ServiceKitTests", resources: [.copy("Golden")]),
        .testTarget(name: "QRCodeTests", dependencies: ["WangqianQRCode"], path: "Tests/QRCodeTests"),
        .testTarget(
            name: "PortalKitTests",
            dependencies: ["PortalKit", "ServiceKit", .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/PortalKitTests"),
        // Each service's routes in process (ServiceTestSupport builds the application with the service's own
        // build function, against the real database and broker).
        .target(
            name: "ServiceTestSupport",
            dependencies: ["ServiceKit", "AgreementDomain", "AgreementContract", "WangqianKafka", "WangqianPostgres",
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/ServiceTestSupport", swiftSettings: strict),
        .testTarget(name: "CollegeTests", dependencies: ["CollegeService", "ServiceTestSupport"], path: "Tests/CollegeTests"),
        .testTarget(name: "StudentTests", dependencies: ["StudentService", "ServiceTestSupport"], path: "Tests/StudentTests"),
        .testTarget(name: "EmployerTests", dependencies: ["EmployerService", "ServiceTestSupport"], path: "Tests/EmployerTests"),
        .testTarget(
            name: "SchedulerTests",
            dependencies: ["SchedulerService", "ServiceKit", "ServiceTestSupport", "WangqianPostgres",
                           .product(name: "HummingbirdTesting", package: "hummingbird")],
            path: "Tests/SchedulerTests"),
    ]
)
