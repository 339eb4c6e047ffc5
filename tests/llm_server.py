"""A scripted OpenAI-compatible chat-completions server on a free loopback port, for tests.

Each request takes the next step of the script (the last one repeats): answer well, slowly,
with 429 + Retry-After, with 500, with malformed JSON, with an out-of-range score, cut off at the
token limit, or with a truncated body (Content-Length promises more than is sent). Every request
body is kept in `requests` as bytes, so tests can look at exactly what left the process.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

GOOD_ANSWER: dict[str, Any] = {
    "score": 81.25,
    "rationale": "Strong Python and PostgreSQL experience in the current role.",
    "matches": ["Python", "PostgreSQL"],
    "gaps": ["Kubernetes"],
    "criteria": [
        {
            "key": "required_skills",
            "label": "Required skills",
            "weight": 40,
            "score": 80,
            "evidence": [{"source": "experience", "ref": "e0", "text": "Backend Engineer"}],
            "note": "2 of 3",
        }
    ],
}


@dataclass
class Step:
    kind: str = "ok"  # ok | slow | 429 | 500 | malformed | range | length | truncated
    delay: float = 0.0
    retry_after: str = "0"
    answer: dict[str, Any] | None = None


@dataclass
class LLMServer:
    script: list[Step] = field(default_factory=lambda: [Step()])
    requests: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def play(self, *steps: Step) -> None:
        self.script = list(steps)
        self.requests.clear()
        self.headers.clear()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def _next(self) -> Step:
        return self.script.pop(0) if len(self.script) > 1 else self.script[0]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests.append(body)
                self.headers.append(headers)
                if not await self._respond(writer, self._next()):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _respond(self, writer: asyncio.StreamWriter, step: Step) -> bool:
        """Write one response; False when the connection must close after it."""
        if step.delay:
            await asyncio.sleep(step.delay)
        answer = dict(step.answer or GOOD_ANSWER)
        status, extra, finish = 200, "", "stop"
        content = json.dumps(answer)
        if step.kind == "429":
            status, extra = 429, f"Retry-After: {step.retry_after}\r\n"
        elif step.kind == "500":
            status = 500
        elif step.kind == "malformed":
            content = '{"score": 80, "rationale": "unterminated'
        elif step.kind == "range":
            content = json.dumps({**answer, "score": 140})
        elif step.kind == "length":
            finish = "length"
        payload = json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": finish}
                ],
                "usage": {"prompt_tokens": 420, "completion_tokens": 80, "total_tokens": 500},
            }
        ).encode()  # fmt: skip
        if status != 200:
            payload = json.dumps({"error": {"message": "scripted", "code": status}}).encode()
        length = len(payload)
        if step.kind == "truncated":
            payload = payload[: length // 2]
        reason = {200: "OK", 429: "Too Many Requests", 500: "Internal Server Error"}[status]
        writer.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n{extra}\r\n".encode()
            + payload
        )
        await writer.drain()
        return step.kind != "truncated"
