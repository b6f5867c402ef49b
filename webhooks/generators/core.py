"""What every provider's generator shares: lifecycles of provider events, the delivery problems drawn at
their rates, unique ids, the providers' time formats and amounts.

A generator keeps a bounded set of open lifecycles (a charge and its refund or dispute, a subscription
and its renewals). Each request advances one, or starts a new one; an event's time is the wall clock
at that moment, at least a second after its lifecycle's previous event. Everything random comes from
one `random.Random` seeded per provider, so a seed gives the same requests again (with the same clock).
"""

from __future__ import annotations

import math
import random
import time
import uuid
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, ClassVar, Literal

from payments import provider_currencies
from payments.webhooks import Provider, delivery_problems, event_identities

SignatureKind = Literal["valid", "bad", "stale"]

# How many lifecycles a generator keeps open at most (bounded memory), and how often a request advances
# an open one rather than starting a new one.
MAX_OPEN_LIFECYCLES = 1000
ADVANCE_PROBABILITY = 0.5
# A redelivery follows its 2xx after this many seconds (drawn uniformly).
REDELIVERY_DELAY_SECONDS = (5.0, 60.0)
# OUT_OF_ORDER: held events happened this many seconds before the event that overtakes them is sent.
OUT_OF_ORDER_GAP_SECONDS = (1.0, 30.0)
DAY = 86_400  # seconds
# What follows a captured charge: a refund for this share of them, a dispute for the next share, else nothing.
REFUND_SHARE = 0.15
DISPUTE_SHARE = 0.05


@dataclass(frozen=True)
class Event:
    """One provider event as its generator built it, before it goes into a body.

    `payload` is in the provider's own shape: a Stripe or Checkout.com event (dict), an Adyen
    NotificationRequestItem (dict, unsigned), a Braintree `<notification>` (XML bytes). `problems` are
    the delivery problems the event itself carries (OUT_OF_ORDER, TEST_MODE, OLD_API_VERSION,
    UNUSUAL_DECIMALS)."""

    payload: Any
    live: bool = True
    problems: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Request:
    """One delivery of a webhook: the body every attempt sends unchanged, the provider events in it
    (payments.webhooks.event_identities of the body), its delivery problems (sorted), how it is signed,
    and, when it is to be delivered again after its 2xx (REDELIVERY), after how many seconds."""

    provider: str
    body: bytes
    identities: tuple[str, ...]
    problems: tuple[str, ...]
    signature: SignatureKind
    delivery_id: str
    redeliver_after: float | None = None


class UniqueTokens:
    """Random-looking tokens of one alphabet and length, never the same twice from one instance: token i
    is the digits of (a * i + b) mod N with N = len(alphabet) ** length and gcd(a, N) = 1, a bijection of
    [0, N). a and b are drawn from `rng`, so two runs with different seeds share a token only by chance
    (about one in N per pair)."""

    def __init__(self, rng: random.Random, alphabet: str, length: int) -> None:
        self._alphabet = alphabet
        self._length = length
        self._space = len(alphabet) ** length
        self._step = rng.randrange(1, self._space)
        while math.gcd(self._step, self._space) != 1:
            self._step = rng.randrange(1, self._space)
        self._offset = rng.randrange(self._space)
        self._count = 0

    def __call__(self) -> str:
        if self._count >= self._space:
            raise OverflowError("every token of this space is used")
        n = (self._step * self._count + self._offset) % self._space
        self._count += 1
        base = len(self._alphabet)
        digits = []
        for _ in range(self._length):
            n, d = divmod(n, base)
            digits.append(self._alphabet[d])
        return "".join(reversed(digits))


DIGITS = "0123456789"
LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = LOWER.upper()


# The providers' time formats, from a POSIX time in seconds (float).
def unix_seconds(t: float) -> int:
    """Stripe: whole seconds since the epoch."""
    return int(t)


def utc_seconds(t: float) -> str:
    """Braintree: UTC to the second with `Z` (2025-05-01T09:30:00Z)."""
    return datetime.fromtimestamp(int(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_seven_digits(t: float) -> str:
    """Checkout.com: UTC with 7 fractional digits, .NET's ticks of 100 ns (2025-05-01T09:30:00.1234567Z)."""
    whole = int(t)
    ticks = min(int((t - whole) * 10_000_000), 9_999_999)
    return f"{datetime.fromtimestamp(whole, UTC):%Y-%m-%dT%H:%M:%S}.{ticks:07d}Z"


def central_european(t: float) -> str:
    """Adyen: local time in Amsterdam with its offset, to the second (2025-05-01T11:30:00+02:00). Summer
    time (+02:00) runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of
    October (EU rule), +01:00 otherwise; computed here so the image needs no time-zone database."""
    utc = datetime.fromtimestamp(int(t), UTC)

    def last_sunday_0100(month: int) -> datetime:
        last = datetime(utc.year, month, 31, 1, tzinfo=UTC)
        return last - timedelta(days=(last.weekday() + 1) % 7)

    summer = last_sunday_0100(3) <= utc < last_sunday_0100(10)
    offset = timezone(timedelta(hours=2 if summer else 1))
    return utc.astimezone(offset).isoformat(timespec="seconds")


# Card issuing countries the generators draw: ISO 3166-1 alpha-2 and alpha-3 (Braintree's spelling).
CARD_COUNTRIES = (("US", "USA"), ("GB", "GBR"), ("DE", "DEU"), ("FR", "FRA"), ("NL", "NLD"), ("CA", "CAN"))


@dataclass(frozen=True)
class Card:
    """The card a payment was made with, in neutral terms each provider spells its own way."""

    scheme: str  # visa, mastercard
    bin: str  # the first 6 digits
    last4: str
    exp_month: int
    exp_year: int
    country: str  # issuing country, ISO 3166-1 alpha-2
    country_alpha3: str
    funding: str  # credit, debit, prepaid


def draw_card(rng: random.Random, now: float) -> Card:
    """A card valid for 1 to 5 more years from `now`."""
    scheme = rng.choice(("visa", "visa", "mastercard"))
    first = "4" if scheme == "visa" else "5" + rng.choice("12345")
    country, alpha3 = rng.choice(CARD_COUNTRIES)
    return Card(
        scheme=scheme,
        bin=first + "".join(rng.choices(DIGITS, k=6 - len(first))),
        last4="".join(rng.choices(DIGITS, k=4)),
        exp_month=rng.randint(1, 12),
        exp_year=datetime.fromtimestamp(now, UTC).year + rng.randint(1, 5),
        country=country,
        country_alpha3=alpha3,
        funding=rng.choices(("credit", "debit", "prepaid"), weights=(6, 3, 1))[0],
    )


@dataclass
class Lifecycle:
    """What the events of one lifecycle share: test or live, the currency, the problems drawn for the
    whole lifecycle (TEST_MODE, UNUSUAL_DECIMALS), and its clock."""

    live: bool
    currency: str
    problems: frozenset[str]
    now: Callable[[], float]
    last: float = field(default=-math.inf)

    def at(self) -> float:
        """The time of the lifecycle's next event: now, and at least a second after its previous one, so
        events of one object keep their order and second-resolution timestamps stay distinct."""
        self.last = max(self.now(), self.last + 1.0)
        return self.last

    def event(self, payload: Any, *problems: str) -> Event:
        """An event of this lifecycle, with the lifecycle's problems and `problems` of its own."""
        return Event(payload, self.live, self.problems | frozenset(problems))


class ProviderGenerator(ABC):
    """Builds one provider's webhook requests: `next_request()` for a new delivery, `redelivery()` for a
    REDELIVERY of an acknowledged one, `headers()` to sign an attempt.

    `problems` maps DELIVERY_PROBLEMS names that apply to the provider to rates in [0, 1] (a missing one
    is 0); ValueError for any other name or rate. `seed` seeds the provider's own random.Random; `clock`
    gives POSIX seconds (time.time)."""

    provider: ClassVar[Provider]

    def __init__(
        self,
        *,
        problems: Mapping[str, float] | None = None,
        seed: int | str = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        rates = dict(problems or {})
        applicable = {p.name for p in delivery_problems(self.provider.name)}
        if unknown := sorted(set(rates) - applicable):
            raise ValueError(f"{self.provider.name}: problems {unknown} do not apply (only {sorted(applicable)})")
        if bad := sorted(name for name, rate in rates.items() if not 0.0 <= rate <= 1.0):
            raise ValueError(f"{self.provider.name}: rates of {bad} are not between 0 and 1")
        self._rates = rates
        self.rng = random.Random(f"{self.provider.name}:{seed}")
        self._clock = clock
        self._now = clock()
        self._open: list[Iterator[Event]] = []
        self._ready: deque[Event] = deque()

    # What a subclass provides.
    @abstractmethod
    def _lifecycle(self, lifecycle: Lifecycle) -> Iterator[Event]:
        """A new lifecycle's events, in the order they happen; each takes its time from `lifecycle.at()`."""

    @abstractmethod
    def _body(self, events: Sequence[Event], signature: SignatureKind) -> bytes:
        """The request body carrying `events` (one, or several where the provider batches), signed inside
        the body where the provider signs there."""

    def _signature_headers(self, body: bytes, signature: SignatureKind, now: float) -> dict[str, str]:
        """The signature headers of one attempt, where the provider signs in a header."""
        return {}

    def _batch_size(self) -> int:
        """How many events the next request carries."""
        return 1

    # The generator.
    def follow_up(self) -> str | None:
        """What follows a captured charge: "refund", "dispute" or None, at REFUND_SHARE and DISPUTE_SHARE."""
        roll = self.rng.random()
        if roll < REFUND_SHARE:
            return "refund"
        return "dispute" if roll < REFUND_SHARE + DISPUTE_SHARE else None

    def draw(self, problem: str) -> bool:
        """Whether this draw has `problem` (its rate, 0 when not configured)."""
        return self.rng.random() < self._rates.get(problem, 0.0)

    def next_request(self) -> Request:
        """A new webhook request: the next events, a body, its signature kind and problems."""
        self._now = self._clock()
        size = self._batch_size()
        events = [self._next_event()]
        while len(events) < size:
            following = self._next_event()
            if following.live != events[0].live:  # one body is either live or test
                self._ready.appendleft(following)
                break
            events.append(following)
        signature: SignatureKind = "valid"
        problems = set().union(*(e.problems for e in events))
        if self.draw("BAD_SIGNATURE"):
            signature = "bad"
            problems.add("BAD_SIGNATURE")
        elif self.draw("STALE_SIGNATURE"):
            signature = "stale"
            problems.add("STALE_SIGNATURE")
        if len(events) > 1:
            problems.add("BATCH")
        redeliver_after = self.rng.uniform(*REDELIVERY_DELAY_SECONDS) if self.draw("REDELIVERY") else None
        body = self._body(events, signature)
        return Request(
            provider=self.provider.name,
            body=body,
            identities=event_identities(self.provider.name, body),
            problems=tuple(sorted(problems)),
            signature=signature,
            delivery_id=self._delivery_id(),
            redeliver_after=redeliver_after,
        )

    def redelivery(self, request: Request) -> Request:
        """`request` delivered again: the same body and events, a new delivery id, REDELIVERY among its
        problems, never redelivered itself."""
        problems = tuple(sorted({*request.problems, "REDELIVERY"}))
        return replace(request, problems=problems, delivery_id=self._delivery_id(), redeliver_after=None)

    def headers(self, request: Request, now: float | None = None) -> dict[str, str]:
        """The HTTP headers of one attempt of `request`, signed at `now` (the clock's time by default)."""
        moment = self._clock() if now is None else now
        return {
            "Content-Type": self.provider.content_type,
            **self._signature_headers(request.body, request.signature, moment),
        }

    def amount(self, currency: str, low: float = 1.0, high: float = 500.0) -> Decimal:
        """An amount in major units of `currency` worth about `low`..`high` of an ordinary currency, with
        the decimals the provider takes (provider_currencies.amount_decimals), never zero."""
        scale = provider_currencies.AMOUNT_SCALE.get(currency, Decimal(1))
        value = Decimal(str(round(self.rng.uniform(low, high), 4))) * scale
        step = Decimal(1).scaleb(-provider_currencies.amount_decimals(self.provider.name, currency))
        return max(value.quantize(step, rounding=ROUND_HALF_UP), step)

    def part_of(self, currency: str, amount: Decimal) -> Decimal:
        """What a refund or dispute takes of `amount`: all of it mostly, else 10 % to 90 % of it (with the
        decimals the provider takes)."""
        if self.rng.random() < 0.7:
            return amount
        step = Decimal(1).scaleb(-provider_currencies.amount_decimals(self.provider.name, currency))
        part = (amount * self.rng.randint(10, 90) / 100).quantize(step, rounding=ROUND_HALF_UP)
        return part if 0 < part < amount else amount

    def minor_units(self, currency: str, amount: Decimal) -> int:
        """`amount` in the provider's minor units of `currency`."""
        return provider_currencies.to_minor_units(self.provider.name, currency, amount)

    def _delivery_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _new_lifecycle(self) -> Iterator[Event]:
        test_mode = self.draw("TEST_MODE")
        unusual = self.draw("UNUSUAL_DECIMALS")
        if unusual:
            currency = self.rng.choice(provider_currencies.unusual_decimal_currencies(self.provider.name))
        else:
            weights = provider_currencies.ORDINARY_CURRENCY_WEIGHTS
            currency = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        problems = {"TEST_MODE"} if test_mode else set()
        if unusual:
            problems.add("UNUSUAL_DECIMALS")
        return self._lifecycle(Lifecycle(not test_mode, currency, frozenset(problems), lambda: self._now))

    def _next_event(self) -> Event:
        """The next event to send. OUT_OF_ORDER holds an event back until its lifecycle's next one has
        been sent: at rate 1 a lifecycle arrives reversed (a dispute closed before it opened)."""
        while not self._ready:
            if self._open and (len(self._open) >= MAX_OPEN_LIFECYCLES or self.rng.random() < ADVANCE_PROBABILITY):
                index = self.rng.randrange(len(self._open))
            else:
                self._open.append(self._new_lifecycle())
                index = len(self._open) - 1
            now = self._now
            chain: list[Event] = []
            while True:
                overtaken = self.draw("OUT_OF_ORDER")
                if overtaken and not chain:  # the held events happened a little before the one overtaking them
                    self._now = now - self.rng.uniform(*OUT_OF_ORDER_GAP_SECONDS)
                event = next(self._open[index], None)
                if event is None:  # over: swap-remove
                    self._open[index] = self._open[-1]
                    self._open.pop()
                    break
                chain.append(event)
                if not overtaken:
                    break
            self._now = now
            if chain:
                self._ready.append(chain[-1])
                self._ready.extend(replace(e, problems=e.problems | {"OUT_OF_ORDER"}) for e in reversed(chain[:-1]))
        return self._ready.popleft()
