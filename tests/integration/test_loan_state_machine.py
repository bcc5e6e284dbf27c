"""Property-based stateful test on DynamoDB Local: random actions by random users keep the invariants.

- a device is reserved (on loan) exactly when one approved (in use / return requested) loan holds it;
- every change has its record, and the records of a loan or device form one unbroken chain;
- no loan moves outside the diagram of DESIGN.md §1 (plus: a manager may take back a device still in use).
"""
import uuid

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule

from medpool.errors import MedpoolError
from medpool.models.device import Device
from medpool.models.loan import Loan
from medpool.models.record import Record
from medpool.models.user import User
from medpool.services import categories, device_codes, devices, disinfection, loan_flow, loans, upkeep
from tests.support import iso_in, label_scene

ALLOWED = {("pending", "approved"), ("pending", "rejected"), ("pending", "cancelled"), ("approved", "cancelled"),
           ("approved", "in_use"), ("in_use", "return_requested"), ("return_requested", "returned"),
           ("in_use", "returned"), ("returned", "returned")}  # the last: the device disinfected after the return
HOLDING = {"approved": "reserved", "in_use": "on_loan", "return_requested": "on_loan"}
APPLICANTS = ["demo-nurse-icu", "demo-nurse-em"]
ACTORS = APPLICANTS + ["demo-manager"]


class LoanLoop(RuleBasedStateMachine):
    loan_ids = Bundle("loans")

    @initialize()
    def fresh_pool(self):
        """Each example gets its own category with three devices."""
        self.tag = uuid.uuid4().hex[:8]
        self.users = {openid: User.get(openid) for openid in ACTORS}
        manager = self.users["demo-manager"]
        self.category = f"cat-{self.tag}"
        categories.create_category(manager, self.category, {"name": "测试类", "rate_fen": 100, "rate_unit": "hour",
                                                            "max_loan_hours": 48})
        self.device_ids = [f"D{self.tag}-{n}" for n in range(3)]
        for device_id in self.device_ids:
            devices.create_device(manager, device_id, {"category_id": self.category, "name": "测试设备",
                                                       "owner_department_id": "SBK"})
        self.created: list[str] = []
        self.keys = 0

    def attempt(self, action):
        try:
            action()
        except MedpoolError:
            pass  # refusals are legitimate outcomes; the invariants judge the state

    @rule(target=loan_ids, applicant=st.sampled_from(APPLICANTS),
          urgency=st.sampled_from(["routine", "urgent", "emergency"]), retry=st.booleans())
    def apply(self, applicant, urgency, retry):
        self.keys += 1
        key = f"{self.tag}-{self.keys:06d}"
        request = loans.LoanRequest(self.category, None, urgency, "测试", iso_in(24))
        loan, _ = loans.create_loan(self.users[applicant], request, key)
        if retry:
            again, created = loans.create_loan(self.users[applicant], request, key)
            assert again.id == loan.id and not created
        self.created.append(loan.id)
        return loan.id

    @rule(loan_id=loan_ids, device=st.integers(0, 2))
    def approve(self, loan_id, device):
        self.attempt(lambda: loan_flow.approve(self.users["demo-manager"], loan_id, self.device_ids[device]))

    @rule(loan_id=loan_ids)
    def reject(self, loan_id):
        self.attempt(lambda: loan_flow.reject(self.users["demo-manager"], loan_id, "无设备"))

    @rule(loan_id=loan_ids, actor=st.sampled_from(ACTORS))
    def cancel(self, loan_id, actor):
        self.attempt(lambda: loan_flow.cancel(self.users[actor], loan_id))

    @rule(loan_id=loan_ids, actor=st.sampled_from(ACTORS), device=st.integers(0, 2), scanned=st.booleans())
    def hand_over(self, loan_id, actor, device, scanned):
        """The device's label scanned, or its asset tag typed (managers only)."""
        device_id = self.device_ids[device]
        proof = {"scan": label_scene(device_id)} if scanned else {"device_id": device_id}
        self.attempt(lambda: loan_flow.hand_over(self.users[actor], loan_id, **proof))

    @rule(loan_id=loan_ids, actor=st.sampled_from(ACTORS))
    def request_return(self, loan_id, actor):
        self.attempt(lambda: loan_flow.request_return(self.users[actor], loan_id))

    @rule(loan_id=loan_ids, condition=st.sampled_from(["ok", "damaged"]), device=st.integers(0, 2))
    def confirm_return(self, loan_id, condition, device):
        self.attempt(lambda: loan_flow.confirm_return(self.users["demo-manager"], loan_id, condition, None,
                                                      device_id=self.device_ids[device]))

    @rule(device=st.integers(0, 2), scanned=st.booleans())
    def disinfect(self, device, scanned):
        """A clerk records the disinfection of a returned device (its label scanned, or its tag typed)."""
        device_id = self.device_ids[device]
        proof = {"scan": label_scene(device_id)} if scanned else {"typed_id": device_id}
        self.attempt(lambda: disinfection.record(self.users["demo-manager"], device_id,
                                                 disinfection.Disinfection(method="uv"), **proof))

    @rule(device=st.integers(0, 2), result=st.sampled_from(["pass", "fail"]), past=st.booleans())
    def calibrate(self, device, result, past):
        """A calibration recorded, its next due date past or future (a past one blocks lending)."""
        next_due = "2001-01-01" if past else "2099-01-01"
        self.attempt(lambda: upkeep.record(self.users["demo-manager"], self.device_ids[device], upkeep.UpkeepRecord(
            "calibration", result, performed_on="2000-06-01", next_due=next_due)))

    @rule(device=st.integers(0, 2))
    def reprint_label(self, device):
        self.attempt(lambda: device_codes.rotate(self.users["demo-manager"], self.device_ids[device]))

    @rule(device=st.integers(0, 2), status=st.sampled_from(["available", "maintenance"]))
    def service_device(self, device, status):
        self.attempt(lambda: devices.update_device(self.users["demo-manager"], self.device_ids[device],
                                                   {"status": status}))

    @invariant()
    def devices_are_held_by_exactly_their_open_loan(self):
        if not hasattr(self, "tag"):
            return
        current = [Loan.get(loan_id, consistent_read=True) for loan_id in self.created]
        for device_id in self.device_ids:
            device = Device.get(device_id, consistent_read=True)
            holders = [loan for loan in current if loan.device_id == device_id and loan.status in HOLDING]
            assert len(holders) <= 1, f"{device_id} held by {[loan.id for loan in holders]}"
            if holders:
                assert (device.status, device.current_loan_id) == (HOLDING[holders[0].status], holders[0].id)
                if holders[0].status == "approved":  # never reserved past its calibration date
                    reserved = next(r for r in Record.query(f"device#{device_id}", scan_index_forward=False,
                                                            consistent_read=True) if r.action == "device.reserved")
                    assert not self.calibration_past_at(device_id, reserved.record_key)
            else:
                assert device.status in ("available", "cleaning", "maintenance") and device.current_loan_id is None

    def calibration_past_at(self, device_id, record_key):
        """Whether the device's calibration date, as recorded just before `record_key`, was past."""
        dated = [r for r in Record.query(f"device#{device_id}", Record.record_key < record_key, consistent_read=True)
                 if r.action == "device.calibrated" and r.after.get("next_calibration_due")]
        return bool(dated) and dated[-1].after["next_calibration_due"] < "2026-01-01"

    @invariant()
    def every_change_is_recorded_inside_the_diagram(self):
        if not hasattr(self, "tag"):
            return
        for loan_id in self.created:
            loan = Loan.get(loan_id, consistent_read=True)
            chain = list(Record.query(f"loan#{loan_id}", consistent_read=True))
            assert chain[0].action == "loan.create" and chain[0].after["status"] == "pending"
            for previous, record in zip(chain, chain[1:]):
                assert (record.before["status"], record.after["status"]) in ALLOWED
                assert record.before["status"] == previous.after["status"]
            assert chain[-1].after["status"] == loan.status
        for device_id in self.device_ids:
            device = Device.get(device_id, consistent_read=True)
            chain = [r for r in Record.query(f"device#{device_id}", consistent_read=True)]
            statuses = [chain[0].after["status"]] + [r.after["status"] for r in chain[1:]]
            assert statuses[-1] == device.status
            assert all(r.before["status"] == statuses[i] for i, r in enumerate(chain[1:]))


LoanLoop.TestCase.settings = settings(max_examples=12, stateful_step_count=25, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
test_loan_loop_keeps_its_invariants = LoanLoop.TestCase
