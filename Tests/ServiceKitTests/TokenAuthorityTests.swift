import Foundation
import Testing
@testable import ServiceKit

@Suite struct TokenAuthorityTests {
    let authority: TokenAuthority
    init() async throws { authority = try await TokenAuthority(secret: "test-secret-test-secret-test-secret") }

    @Test func aMintedTokenVerifiesToTheSameIdentity() async throws {
        let counselor = Identity(role: .counselor, subject: "C1", collegeCode: "CS")
        let token = try await authority.sign(counselor)
        #expect(try await authority.verify(token) == counselor)
    }

    @Test func anExpiredTokenIsRefused() async throws {
        let token = try await authority.sign(Identity(role: .student, subject: "2026001"), validFor: 60, now: Date().addingTimeInterval(-3600))
        await #expect(throws: APIError.self) { try await authority.verify(token) }
    }

    @Test func aTokenSignedWithAnotherKeyIsRefused() async throws {
        let other = try await TokenAuthority(secret: "another-secret-another-secret-another")
        let token = try await other.sign(Identity(role: .employmentOffice, subject: "O1"))
        do {
            _ = try await authority.verify(token)
            Issue.record("a foreign key's token was accepted")
        } catch {
            #expect(error.code == "unauthenticated")
            #expect(error.status == .unauthorized)
        }
    }

    @Test func anUnsignedTokenIsRefused() async throws {
        func b64(_ s: String) -> String {
            Data(s.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        }
        let exp = Int(Date().timeIntervalSince1970) + 3600
        let token = b64(#"{"alg":"none","typ":"JWT"}"#) + "." + b64(#"{"sub":"O1","role":"office","iss":"wangqian","exp":\#(exp)}"#) + "."
        await #expect(throws: APIError.self) { try await authority.verify(token) }
    }

    @Test func aCounselorTokenWithoutCollegeIsRefused() async throws {
        let token = try await authority.sign(Identity(role: .counselor, subject: "C1", collegeCode: nil))
        await #expect(throws: APIError.self) { try await authority.verify(token) }
    }

    @Test func garbageIsRefused() async {
        for token in ["", "abc", "a.b.c", "Bearer x"] {
            await #expect(throws: APIError.self) { try await authority.verify(token) }
        }
    }
}

@Suite struct TokenSecretTests {
    @Test func aShortSecretIsRefused() async {
        await #expect(throws: TokenAuthority.WeakSecret.self) { try await TokenAuthority(secret: "short") }
    }
}
