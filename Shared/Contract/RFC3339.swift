import AgreementDomain
import Foundation

/// RFC 3339 timestamps as the contract writes them: UTC, always three fraction digits
/// (`2026-06-01T08:30:00.000Z`). Reading also accepts no fraction, more digits, and numeric offsets.
///
/// Written by hand rather than with a DateFormatter so that the millisecond is truncated exactly as the domain
/// truncates it (`Date.wireMilliseconds`), on every platform.
public enum RFC3339 {
    public static func format(_ date: Date) -> String {
        let ms = date.wireMilliseconds
        let days = floorDiv(ms, 86_400_000)
        let msOfDay = ms - days * 86_400_000
        let (y, m, d) = civil(fromDays: days)
        let h = msOfDay / 3_600_000, mi = msOfDay / 60_000 % 60, s = msOfDay / 1000 % 60, f = msOfDay % 1000
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(h, 2)):\(pad(mi, 2)):\(pad(s, 2)).\(pad(f, 3))Z"
    }

    /// nil unless `text` is a full RFC 3339 date-time.
    public static func parse(_ text: String) -> Date? {
        let c = Array(text.utf8)
        func num(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= c.count else { return nil }
            var v: Int64 = 0
            for i in range {
                guard (0x30...0x39).contains(c[i]) else { return nil }
                v = v * 10 + Int64(c[i] - 0x30)
            }
            return v
        }
        guard c.count >= 20, c[4] == 0x2D, c[7] == 0x2D, c[10] == 0x54 || c[10] == 0x74, c[13] == 0x3A, c[16] == 0x3A,
              let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10),
              let h = num(11..<13), let mi = num(14..<16), let s = num(17..<19),
              (1...12).contains(mo), (1...daysIn(month: mo, year: y)).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var fractionMs: Int64 = 0
        if i < c.count, c[i] == 0x2E {
            i += 1
            var digits = 0
            while i < c.count, (0x30...0x39).contains(c[i]) {
                if digits < 3 { fractionMs = fractionMs * 10 + Int64(c[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { fractionMs *= 10 } }
        }
        guard i < c.count else { return nil }
        var offsetMinutes: Int64 = 0
        if c[i] == 0x5A || c[i] == 0x7A {
            i += 1
        } else if c[i] == 0x2B || c[i] == 0x2D {
            guard c.count == i + 6, c[i + 3] == 0x3A, let oh = num(i + 1..<i + 3), let om = num(i + 4..<i + 6),
                  oh < 24, om < 60 else { return nil }
            offsetMinutes = (oh * 60 + om) * (c[i] == 0x2D ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        let days = days(fromCivil: y, mo, d)
        let ms = ((days * 24 + h) * 60 + mi - offsetMinutes) * 60_000 + min(s, 59) * 1000 + fractionMs
        return Date(wireMilliseconds: ms)
    }

    // Proleptic Gregorian calendar conversions (days since 1970-01-01), after H. Hinnant's public algorithms.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
