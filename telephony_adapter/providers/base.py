"""Our own small vocabulary for talking to a phone provider, so that no flow knows whose TwiML it is.

Inbound, an adapter turns a provider's webhook into a `CallEvent`; outbound, it renders a list of
actions (`Say`, `Gather`, `Wait`, `Bridge`, `Transfer`, `Hangup`) into whatever the provider reads
(TwiML, a contact-flow attribute map, …). Where the flow must be called back, it names the next
step with `Next`; each adapter turns that into its own callback (a URL with the step, a flow
attribute). A provider event is identified by the call id and `CallEvent.key`, which is what
makes every event processed once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# What the call-centre languages are called by speech engines (CC-8).
SPEECH_LANGUAGES = {"ja": "ja-JP", "en": "en-US", "zh-hans": "cmn-Hans-CN", "ko": "ko-KR", "es": "es-MX",
                    "pt-br": "pt-BR"}


class EventKind:
    INCOMING = "incoming"          # a call arrived on a dialled number
    INPUT = "input"                # keypad digits or speech for a Gather
    WAIT = "wait"                  # a waiting caller came back to the queue
    BRIDGE_ENDED = "bridge_ended"  # the leg to an operator ended (or was never answered)
    OPERATOR_LEG = "operator_leg"  # the operator's leg rang, was answered, ended
    STATUS = "status"              # the call's own status (completed, failed, …)


class CallStatus:
    """Normalised call and leg statuses."""

    RINGING = "ringing"
    ANSWERED = "answered"
    COMPLETED = "completed"
    NO_ANSWER = "no-answer"
    BUSY = "busy"
    FAILED = "failed"
    CANCELED = "canceled"

    ENDED = frozenset({COMPLETED, NO_ANSWER, BUSY, FAILED, CANCELED})


@dataclass(frozen=True)
class CallEvent:
    kind: str
    call_id: str
    caller: str = ""
    dialled: str = ""
    step: int | None = None
    digits: str = ""
    speech: str = ""
    status: str = ""

    @property
    def key(self) -> str:
        """What makes this event unique within its call (retries of it carry the same key)."""
        if self.kind in (EventKind.STATUS, EventKind.OPERATOR_LEG):
            return f"{self.kind}:{self.status}"
        if self.kind == EventKind.INCOMING:
            return self.kind
        return f"{self.kind}:{self.step}"


@dataclass(frozen=True)
class Next:
    """The flow's next callback: which kind of event, at which step of the call."""

    kind: str
    step: int


@dataclass(frozen=True)
class Say:
    text: str
    language: str


@dataclass(frozen=True)
class Gather:
    """Ask for keypad digits (and speech, when `speech`) while the prompts play; `then` receives them."""

    prompts: tuple[Say, ...]
    then: Next | str
    language: str = "ja"
    num_digits: int | None = None
    finish_on_key: str = "#"
    timeout: int = 6
    speech: bool = False


@dataclass(frozen=True)
class Wait:
    """Enqueue: the caller waits, hearing the prompts, then comes back to `then` after `seconds`."""

    prompts: tuple[Say, ...]
    seconds: int
    then: Next


@dataclass(frozen=True)
class Bridge:
    """Connect the caller to an operator; `then` hears how the leg ended, `leg` how it progressed."""

    operator: str
    then: Next
    leg: Next
    timeout: int = 20


@dataclass(frozen=True)
class Transfer:
    """Hand the call over to another number (the ward office, CC-5, CC-9)."""

    number: str
    prompts: tuple[Say, ...] = ()


@dataclass(frozen=True)
class Resume:
    """Fetch the flow's next step now (a waiting caller whom an operator just took)."""

    then: Next


@dataclass(frozen=True)
class Hangup:
    prompts: tuple[Say, ...] = ()


Action = Say | Gather | Wait | Bridge | Transfer | Resume | Hangup


@dataclass(frozen=True)
class Rendered:
    body: str
    content_type: str


@dataclass
class OutboundCall:
    to: str
    actions: list = field(default_factory=list)
    reference: str = ""


class Provider:
    """What every provider adapter offers. `name` identifies it in records and event logs."""

    name = ""

    def validate(self, request) -> bool:
        """Whether the request carries this provider's valid signature."""
        raise NotImplementedError

    def parse(self, request, kind: str) -> CallEvent:
        raise NotImplementedError

    def render(self, actions: list) -> Rendered:
        raise NotImplementedError

    def place_call(self, call: OutboundCall) -> str:
        """Start an outbound call that runs `call.actions`; returns the provider's call id."""
        raise NotImplementedError

    def update_call(self, call_id: str, actions: list) -> None:
        """Make a live call run `actions` now (transfer it, hang it up)."""
        raise NotImplementedError


def e164_to_national(number: str) -> str:
    """'+81120000000', '0120-000-000', '0120000000' → '0120000000' (digits as dialled in Japan)."""
    digits = "".join(ch for ch in (number or "") if ch.isdigit())
    if (number or "").strip().startswith("+81") or (digits.startswith("81") and len(digits) >= 11):
        return "0" + digits[2:]
    return digits
