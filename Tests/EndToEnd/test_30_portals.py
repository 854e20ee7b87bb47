"""The portals in a real browser (headless Chromium through Selenium), against the real services, broker and
database: every step by clicking, as a student, an HR clerk, a counselor and the employment office would.
axe-core checks every page looked at; screenshots (desktop and phone) go to the run's log folder."""
from __future__ import annotations

import random

import pytest
import requests

from portal_browser import Browser, Portals
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
    return Portals(browser, system.urls())


def test_the_whole_workflow_by_clicking(browser, portals, world, wq):
    b, p = browser, portals
    student = world.enroll(1)[0]
    # An employer registers in the browser and waits for approval.
    employer_id, login, password = p.register_employer(f"网签演示{RNG.randrange(10**6)}科技有限公司", RNG)
    b.look("employer-home-awaiting-approval")
    name = b.css("main h2").text
    # The office approves it in the browser.
    p.logout_all()
    p.sign_in_office_for_registrations()
    b.look("office-registrations")
    b.until_text(name)
    b.press(b.css(f"button[aria-label='通过 {name}']"))
    assert "已通过该单位的注册" in b.flash()
    # The student reads the notices, finds the employer in the search dialog as they type, saves and submits.
    p.logout_all()
    p.sign_in_student(student.id)
    b.look("student-home-first-visit")
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
    b.fill({"contactPerson": "李老师", "contactPhone": "010-62750000", "postalCode": "100871",
            "mailingAddress": "北京市海淀区颐和园路5号 计算机学院学生工作办公室"})
    b.look("counselor-handle")
    b.click("通过")
    assert "已审核通过" in b.flash(), b.text[:800]
    number = b.css(".status strong").text
    assert number, "the agreement number is shown after 通过"
    agreement_id = b.url.split("/agreements/")[1].split("?")[0]
    # Printing three copies (the print pages are not built yet: through the API) …
    counselor = (f"T{student.college_code}01", student.college_code)
    for _ in range(3):
        assert wq.college_print(counselor, agreement_id).ok
    wq.wait_status("college", agreement_id, "printed")
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
    # XSS: a name with markup shows literally.
    evil = world.enroll(1, names=["<script>alert(1)</script>"])[0]
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
    assert not b.violations, f"axe found serious or critical violations: {b.violations}"
