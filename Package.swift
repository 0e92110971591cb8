// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    // Linux only: odb uses Glibc, /proc and posix_spawn's setsid, and is built and tested on Debian.
    name: "odb",
    products: [
        .executable(name: "odb", targets: ["odb"]),
        .library(name: "Revisions", targets: ["Revisions"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // odb.toml, the project's configurations.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        // Property-based tests over hostile names and arguments (tests only).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // libpq, found through pkg-config: Debian keeps libpq-fe.h off the default include path.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"]), .brew(["libpq"])]
        ),
        // PostgreSQL's own parser (libpg_query), to split migration patches into statements as the
        // server would. Debian ships no pkg-config file for it: a plain module map links it.
        .systemLibrary(name: "CPgQuery", providers: [.apt(["libpg-query-dev"])]),
        // OpenSSL's libcrypto, for the SHA-256 of dumps (Debian: libssl-dev).
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
        // Every rule and every SQL statement of odb.
        .target(
            name: "Revisions",
            dependencies: [
                "CLibPQ",
                "CPgQuery",
                "CCrypto",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The command line: argument parsing and printing, nothing else.
        .executableTarget(
            name: "odb",
            dependencies: [
                "Revisions",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fast tests that need no server.
        .testTarget(
            name: "RevisionsTests",
            dependencies: ["Revisions", .product(name: "PropertyBased", package: "swift-property-based")]),
        // The command line's renderers, text and JSON, on hand-made values: no server.
        .testTarget(name: "odbTests", dependencies: ["odb", "Revisions"]),
        // Tests against real PostgreSQL clusters that the tests start themselves.
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["Revisions", .product(name: "PropertyBased", package: "swift-property-based")]),
    ]
)
