"""The portals in a real browser (headless Chromium through Selenium), against the real services, broker and
database: every step by clicking, as a student, an HR clerk, a counselor and the employment office would.
axe-core checks every page looked at; screenshots (desktop and phone) go to the run's log folder."""
from __future__ import annotations

import random
import re

import pytest
import requests

from portal_browser import Browser, Portals, pdf_pages, pdf_text, pdf_to_pngs, print_to_pdf, qr_codes, sheet_heights, sheets_overflow
from scenarios import measure

RNG = random.Random(20271201)


@pytest.fixture(scope="module")
def browser(system):
    b = Browser(system.workdir / "screenshots")
    yield b
    b.quit()
    measure(f"portal pages checked with axe: {len(b.looked)}; screenshots in {b.shots}")


@pytest.fixture(scope="module")
def portals(browser, system):
    p = Portals(browser, system.urls())
    # The office uploads the staff directory in the browser: the counselors sign on from it.
    from demo_data import COLLEGES
    report = p.upload_staff_directory(COLLEGES)
    assert f"导入 {len(COLLEGES) + 1} 行，拒绝 1 行" in report, report[:800]
    assert "学院代码" in report and "BAD01" in report
    browser.look("office-staff-directory")
    p.logout_all()
    return p


def test_the_whole_workflow_by_clicking(browser, portals, world, wq):
    b, p = browser, portals
    student = world.enroll(1)[0]
    # An employer registers in the browser and waits for approval.
    employer_id, login, password = p.register_employer(f"网签演示{RNG.randrange(10**6)}科技有限公司", RNG)
    b.look("employer-home-awaiting-approval")
    name = b.css("main h2").text
    # The office approves it in the browser: signed in at the college portal (as a member of the staff directory),
    # it follows the link to the registrations, which live in the employer portal, without a second login.
    p.logout_all()
    p.sign_in_staff("office:JYC900:")
    b.press(b.css("nav.tabs a[href$='/employer/office/login']"))
    assert "/employer/office" in b.url and "用人单位注册审核" in b.text, (b.url, b.text[:400])
    assert "就业指导中心 JYC900" in b.text
    b.look("office-registrations")
    b.until_text(name)
    b.press(b.css(f"button[aria-label='通过 {name}']"))
    assert "已通过该单位的注册" in b.flash()
    # The student reads the notices, finds the employer in the search dialog as they type, saves and submits.
    p.logout_all()
    p.sign_in_student(student.id)
    b.look("student-home-first-visit")
    b.open(f"{p.student}/template")
    assert "样本（无效）" in b.text and "全国普通高等学校毕业生就业协议书" in b.text and student.name in b.text
    assert sheets_overflow(b) == []
    b.look("student-agreement-template")
    b.open(f"{p.student}/no-such-page")
    assert "没有这个页面" in b.text
    b.open(f"{p.student}/")
    assert b.button("正式提交").get_attribute("disabled") is not None
    b.css("#n1").click()
    b.css("#n2").click()  # checkboxes: no page load
    b.click("我已阅读并知晓")
    assert "已确认阅读" in b.flash()
    b.open(f"{p.student}/edit")
    search = b.css("#q")

    def found_by_typing():
        search.clear()
        search.send_keys(name[:6])
        return b.all(f"input[name=employerID][value='{employer_id}']")
    from demo_data import eventually
    radio = eventually(found_by_typing, 30, what=f"{employer_id} in the employer search", interval=1.0)[0]
    radio.click()
    b.fill({"mobile": "13912345678", "email": f"{student.id}@stu.example.cn"})
    b.look("student-edit")
    b.click("确定")
    assert "已保存" in b.flash(), b.text[:800]
    b.click("正式提交")
    assert "已正式提交" in b.flash(), b.text[:800]
    assert "待单位签约" in b.text
    # The employer signs from 待签约信息 (the badge counts it).
    p.logout_all()
    p.sign_in_employer(login, password)
    b.open(f"{p.employer}/pending")
    b.until_text(student.name)
    assert b.css(".tabs .badge").text == "1"
    b.look("employer-pending")
    b.press(b.driver.find_element("link text", "办理"))
    b.look("employer-handle")
    b.click("确定签约")
    assert "已确定签约" in b.flash(), b.text[:800]
    # The student confirms; the auto-confirmation date was shown.
    p.logout_all()
    p.sign_in_student(student.id)
    b.until_text("单位已签约")
    assert "系统将于" in b.text and "自动确认" in b.text
    b.look("student-employer-signed")
    b.click("确定签约信息")
    assert "已确定签约信息" in b.flash()
    # The counselor approves with the four review fields.
    p.logout_all()
    p.sign_in_counselor(student.college_code)
    b.until_text(student.name)
    b.look("counselor-reviews")
    b.press(b.driver.find_element("link text", "查看/处理"))
    assert "学校意见" not in b.text, "no school section before 通过"
    assert b.button("打印").get_attribute("disabled") is not None
    b.fill({"contactPerson": "李老师", "contactPhone": "010-62750000", "postalCode": "100871",
            "mailingAddress": "北京市海淀区颐和园路5号 计算机学院学生工作办公室"})
    b.look("counselor-handle")
    b.click("通过")
    assert "已审核通过" in b.flash(), b.text[:800]
    number = b.css(".status strong").text
    assert number, "the agreement number is shown after 通过"
    agreement_id = b.url.split("/agreements/")[1].split("?")[0]
    # 打印预览: all three copies, six pages, marked as a preview, and no copy recorded.
    b.press(b.button("打印预览"))
    assert "预览（无效）" in b.text
    assert sheets_overflow(b) == []
    b.look("print-preview")
    preview = print_to_pdf(b, b.shots / "print-preview.pdf")
    assert pdf_pages(preview) == 6
    text = pdf_text(preview)
    assert number in text and all(re.search(fr"第\s*{n}\s*份", text) for n in (1, 2, 3))
    for label in ("全国普通高等学校毕业生就业协议书", student.name, name, "用人单位意见", "学校联系人", "协议书邮寄地址"):
        assert label in text, label
    pdf_to_pngs(preview)
    assert wq.projection("college", agreement_id).body["copiesPrinted"] == 0
    # 打印 three times: each records a copy and opens its two pages with its own code and QR code.
    codes = []
    for n in (1, 2, 3):
        b.open(f"{p.college}/agreements/{agreement_id}")
        b.click("打印")
        assert f"打印第 {n} 份" in b.text, b.text[:500]
        assert sheets_overflow(b) == []
        if n == 1:
            b.look("print-copy")
        copy = print_to_pdf(b, b.shots / f"print-copy-{n}.pdf")
        assert pdf_pages(copy) == 2
        text = pdf_text(copy)
        assert number in text and re.search(fr"第\s*{n}\s*份", text)
        pngs = pdf_to_pngs(copy, resolution=200)
        decoded = [url for png in pngs for url in qr_codes(png)]
        assert len(decoded) == 1 and "/college/verify/" in decoded[0], decoded
        codes.append(decoded[0])
    assert len(set(codes)) == 3
    # A fourth copy is refused with the API's message.
    b.open(f"{p.college}/agreements/{agreement_id}")
    b.click("打印")
    assert "协议书已打印3份，不可多打" in b.problem(), b.text[:600]
    # The office re-authorises one more copy with a reason; then a fourth copy prints.
    p.logout_all()
    p.sign_in_staff("office:JYC900:")
    b.open(f"{p.college}/agreements/{agreement_id}")
    b.fill({"extraCopies": "1", "reprintReason": "第三份盖章时损毁"})
    b.click("重新授权打印")
    assert "已重新授权打印" in b.flash(), b.text[:600]
    assert "可打印 4 份" in b.text
    b.click("打印")
    assert "打印第 4 份" in b.text and "共 4 份" in b.text
    p.logout_all()
    p.sign_in_counselor(student.college_code)
    # Each QR code opens the public verification page of that copy (no login); a made-up code is not found.
    p.logout_all()
    for n, url in enumerate(codes, start=1):
        b.open(url)
        assert number in b.text and f"第 {n} 份 / 共 4 份" in b.text and "已在系统中登记打印" in b.text, b.text[:600]
        assert student.name not in b.text or len(student.name) == 1
    b.look("verify-copy")
    forged = codes[0].rsplit("-", 1)[0] + "-AAAAAAAAAAAAAAAA"
    b.open(forged)
    assert "未找到该核验码" in b.text
    b.look("verify-not-found")
    p.sign_in_counselor(student.college_code)
    # … then 网上签约备案 by student ID, and 备案.
    b.open(f"{p.college}/filing?studentID={student.id}")
    b.until_text("备案")
    b.look("counselor-filing")
    b.press(b.css(f"button[aria-label='备案 {student.name}']"))
    assert "已备案" in b.flash(), b.text[:800]
    assert "已备案" in b.text
    assert not b.violations, f"axe found serious or critical violations: {b.violations}"


def test_return_take_back_and_batch_signing(browser, portals, world, wq):
    b, p = browser, portals
    p.logout_all()
    employer_id, login, password = p.register_employer(f"网签批量{RNG.randrange(10**6)}有限公司", RNG)
    assert wq.approve_employer(employer_id).status == 200
    students = world.enroll(5)
    probe = students[0]
    wq.wait_employer_selectable(probe.id, employer_id, "网签批量", 30)
    ids = [world.agreement(s, employer_id, until="submitted") for s in students]
    for agreement_id in ids:
        wq.wait_status("employer", agreement_id, "submitted")
    p.logout_all()
    p.sign_in_employer(login, password)
    # 退回/拒绝签约 with a reason, which the student then reads.
    b.open(f"{p.employer}/agreements/{ids[0]}")
    b.fill({"returnReason": "学生手机号填写有误，请修改后重新提交"})
    b.click("退回/拒绝签约")
    assert "已退回" in b.flash()
    # 确定签约, then 拿回重签 from 已签约信息.
    b.open(f"{p.employer}/agreements/{ids[1]}")
    b.click("确定签约")
    b.open(f"{p.employer}/signed")
    b.until_text(students[1].name)
    b.look("employer-signed")
    b.open(f"{p.employer}/agreements/{ids[1]}")
    b.fill({"takeBackReason": "岗位信息需要更正"})
    b.click("拿回重签")
    assert "已拿回" in b.flash()
    b.until_text(students[1].name)
    # 批量签约 of three by ticking their boxes.
    b.open(f"{p.employer}/pending")
    b.until_text(students[4].name)
    for agreement_id in ids[2:]:
        b.css(f"input[value='{agreement_id}']").click()
    b.click("批量签约")
    assert "已签约 3 份，未签约 0 份" in b.text, b.text[:800]
    b.look("employer-batch-result")
    for agreement_id in ids[2:]:
        wq.wait_status("student", agreement_id, "employerSigned")
    # The student sees the return's reason.
    p.logout_all()
    p.sign_in_student(probe.id)
    b.until_text("学生手机号填写有误")
    assert "用人单位退回原因" in b.text
    b.look("student-returned")
    assert not b.violations, f"axe found serious or critical violations: {b.violations}"


def test_csrf_xss_login_and_roles(browser, portals, world, wq, system):
    b, p = browser, portals
    # The office uploads a roster in the browser, with a row it must refuse; a name with markup is one of them.
    from demo_data import REVIEW_COMPLETE, roster_csv, roster_row
    from scenarios import CS
    evil_id, bad_id = world.student_ids(2)
    rows = [roster_row(evil_id, "<script>alert(1)</script>", CS, review_status=REVIEW_COMPLETE),
            {**roster_row(bad_id, "王五", CS, review_status=REVIEW_COMPLETE), "reviewStatus": "不知道"}]
    p.logout_all()
    p.sign_in_staff("office:OFFICE01:")
    report = p.upload("/office/roster", roster_csv(rows), "roster.csv")
    assert "导入 1 行，拒绝 1 行" in report and bad_id in report and "生源信息审核状态不正确" in report, report[:800]
    b.look("office-roster-report")
    # The office searches every agreement.
    b.open(f"{p.college}/all")
    b.look("office-all-agreements")
    wq.wait_student_known(evil_id, 30)
    # XSS: the name with markup shows literally.
    from scenarios import Student
    evil = Student(evil_id, "<script>alert(1)</script>", CS)
    p.logout_all()
    p.sign_in_student(evil.id)
    assert "<script>alert(1)</script>" in b.text
    assert "<script>alert(1)</script>" not in b.driver.page_source.split("<main", 1)[1]
    # CSRF: the same session posting without the page's token is refused, and nothing changes.
    cookies = {c["name"]: c["value"] for c in b.driver.get_cookies()}
    session = requests.Session()
    session.trust_env = False
    reply = session.post(f"{p.student}/notices", data={"signingNotice": "1", "breachExplanation": "1"},
                         cookies=cookies, allow_redirects=False)
    assert reply.status_code == 403 and "页面已过期" in reply.text
    assert wq.student.get("/v1/me", wq.student_token(evil.id)).body["notices"] == {"signingNotice": False, "breachExplanation": False}
    assert "default-src 'self'" in reply.headers["Content-Security-Policy"]
    # A logged-out visitor is sent to the login page.
    p.logout_all()
    b.open(f"{p.student}/edit")
    assert "/student/login" in b.url
    b.look("student-login")
    b.open(f"{p.employer}/pending")
    assert "/employer/login" in b.url
    b.look("employer-login")
    # One role cannot open another role's pages: the office's session on the employer portal is not an employer's.
    p.sign_in_office_for_registrations()
    b.open(f"{p.employer}/pending")
    assert "无权访问" in b.text
    # A wrong password is refused with the same message whether or not the login exists.
    p.logout_all()
    b.open(f"{p.employer}/login")
    b.fill({"login": "nobody@example.cn", "password": "wrong-password"})
    b.click("登录")
    assert "登录名或密码不正确" in b.problem()
    # Five failures of one login name block it for a while, even with the right password then.
    employer_id, login, password = p.register_employer(f"网签限流{RNG.randrange(10**6)}有限公司", RNG)
    p.logout_all()
    for _ in range(5):
        b.open(f"{p.employer}/login")
        b.fill({"login": login, "password": "not-the-password"})
        b.click("登录")
        assert "登录名或密码不正确" in b.problem()
    b.open(f"{p.employer}/login")
    b.fill({"login": login, "password": password})
    b.click("登录")
    assert "登录失败次数过多" in b.problem(), b.text[:400]
    # Two portals in one browser keep both sessions (each portal has its own cookie).
    p.sign_in_student(evil.id)
    p.sign_in_office_for_registrations()
    b.open(f"{p.student}/")
    assert "我的签约" in b.text and "/student/login" not in b.url
    b.open(f"{p.employer}/office")
    assert "用人单位注册审核" in b.text
    # Logging out of one portal leaves the other.
    b.open(f"{p.student}/")
    b.click("退出登录")
    assert "已安全退出" in b.flash()
    b.open(f"{p.employer}/office")
    assert "用人单位注册审核" in b.text
    assert not b.violations, f"axe found serious or critical violations: {b.violations}"


def test_every_field_at_its_longest_still_prints_on_two_pages_per_copy(browser, portals, world, wq):
    b, p = browser, portals
    employer_id, body = world.employer("长" * 96 + "有限公司", wait=False)
    student = world.enroll(1, names=["欧阳" + "长" * 48])[0]
    wq.wait_employer_selectable(student.id, employer_id, "长" * 20, 30)
    agreement_id = world.agreement(student, employer_id, until="submitted", personalOpinion="意" * 500,
                                   jobTitle="岗" * 100, workLocation="地" * 100, remarks="备" * 1000)
    wq.wait_status("employer", agreement_id, "submitted")
    section = {**body, "employerID": employer_id, "address": "址" * 200, "archiveAddress": "档" * 200}
    assert wq.sign(employer_id, agreement_id, "单" * 500, "主" * 500, employer_section=section).ok
    wq.wait_status("student", agreement_id, "employerSigned")
    assert wq.confirm(student.id).ok
    wq.wait_status("college", agreement_id, "confirmed")
    counselor = (f"T{student.college_code}01", student.college_code)
    review = {"contactPerson": "联" * 50, "contactPhone": "010-62750000", "postalCode": "100871", "mailingAddress": "邮" * 200}
    assert wq.approve(counselor, agreement_id, review).ok
    p.logout_all()
    p.sign_in_counselor(student.college_code)
    b.open(f"{p.college}/agreements/{agreement_id}/print/preview")
    b.until_text("预览（无效）")
    assert sheets_overflow(b) == [], f"a sheet's content runs past its page: {sheet_heights(b)}"
    preview = print_to_pdf(b, b.shots / "print-preview-longest-fields.pdf")
    assert pdf_pages(preview) == 6
    pdf_to_pngs(preview)
    assert "备" * 40 in pdf_text(preview).replace("\n", "").replace(" ", "")
