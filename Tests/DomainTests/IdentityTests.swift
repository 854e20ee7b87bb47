import AgreementDomain
import Crypto
import Foundation
import Testing

/// SHA-1 (swift-crypto, which name-based IDs use) against FIPS 180 vectors, and agreement IDs as RFC 4122 version-5 UUIDs.
@Suite struct IdentityTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
    enum SHA1 { static func digest(_ bytes: [UInt8]) -> [UInt8] { Array(Insecure.SHA1.hash(data: bytes)) } }

    @Test(arguments: [
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
        ("The quick brown fox jumps over the lazy dog", "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"),
    ])
    func sha1KnownVectors(_ message: String, _ digest: String) {
        #expect(Self.hex(SHA1.digest(Array(message.utf8))) == digest)
    }

    @Test func sha1OfAMillionAs() {
        #expect(Self.hex(SHA1.digest([UInt8](repeating: 0x61, count: 1_000_000))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func sha1AtBlockBoundaries() {
        // 55, 56 and 64 bytes straddle the padding boundary.
        #expect(Self.hex(SHA1.digest([UInt8](repeating: 0x61, count: 55))) == "c1c8bbdc22796e28c0e15163d20899b65621d65a")
        #expect(Self.hex(SHA1.digest([UInt8](repeating: 0x61, count: 56))) == "c2db330f6083854c99d4b5bfb6e8f29f201be699")
        #expect(Self.hex(SHA1.digest([UInt8](repeating: 0x61, count: 64))) == "0098ba824b5c16427bd7a1122a5a442a25ec644d")
    }

    @Test func nameBasedUUIDMatchesTheRFCExample() {
        // uuid5(NAMESPACE_DNS, "python.org"), as Python's uuid module computes it.
        let dns = UUID(uuidString: "6ba7b810-9dad-11d1-80b4-00c04fd430c8")!
        #expect(AgreementID.nameBased(namespace: dns, name: "python.org").uuidString.lowercased() == "886313e1-3b8a-5372-9b90-0c9aee199e5d")
    }

    @Test func forStudentIsDeterministicAndMatchesAnIndependentImplementation() {
        // Values computed with Python's uuid.uuid5(namespace, "2026000001#1").
        #expect(AgreementID.namespace.uuidString.lowercased() == "f038a835-5109-5a20-9388-dfd9f059e2d3")
        #expect(AgreementID.forStudent("2026000001").description == "151d681e-0a2b-50ad-8447-9ac4e2cc1164")
        #expect(AgreementID.forStudent("2026000001", round: 2).description == "d9a3cb6c-b0ed-54ef-b8a8-b6e28bf2e311")
        #expect(AgreementID.forStudent("张三").description == "18b2172c-b993-567a-8e39-93adb000a465")
        #expect(AgreementID.forStudent("2026000001") == AgreementID.forStudent("2026000001"))
        #expect(AgreementID.forStudent("2026000001") != AgreementID.forStudent("2026000002"))
    }

    @Test(arguments: ["2026000001", "S1", "", "一二三"])
    func forStudentIsAValidVersion5UUID(_ studentID: String) {
        let u = AgreementID.forStudent(studentID).uuid.uuid
        #expect(u.6 >> 4 == 5, "version 5")
        #expect(u.8 >> 6 == 0b10, "RFC 4122 variant")
    }

    @Test func agreementIDsAreLowercaseStringsInJSON() throws {
        let id = AgreementID.forStudent("2026000001")
        let json = String(decoding: try JSONEncoder().encode([id]), as: UTF8.self)
        #expect(json == "[\"151d681e-0a2b-50ad-8447-9ac4e2cc1164\"]")
        #expect(try JSONDecoder().decode([AgreementID].self, from: Data("[\"151D681E-0A2B-50AD-8447-9AC4E2CC1164\"]".utf8)) == [id])
        #expect(AgreementID("not a uuid") == nil)
    }
}
