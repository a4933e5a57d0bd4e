"""A small client for the public API (through the gateway only)."""

from __future__ import annotations

from typing import Any

import httpx


class ApiError(Exception):
    """A non-2xx answer, carrying the problem document."""

    def __init__(self, response: httpx.Response):
        self.response = response
        self.status = response.status_code
        try:
            self.problem = response.json()
        except ValueError:
            self.problem = {"detail": response.text[:500]}
        super().__init__(f"{response.request.method} {response.request.url.path} → "
                         f"{self.status}: {self.problem.get('detail') or self.problem}")


class Client:
    """One user's session against the gateway."""

    def __init__(self, base_url: str, token: str | None = None, timeout: float = 15.0,
                 http: httpx.Client | None = None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.http = http or httpx.Client(timeout=timeout)

    def as_user(self, token: str) -> Client:
        """The same connection pool, another user's token."""
        return Client(self.base_url, token, http=self.http)

    def request(self, method: str, path: str, *, expect: int | tuple[int, ...] | None = None,
                **kwargs: Any) -> httpx.Response:
        """Send a request to /api/v1{path}; raise ApiError unless the status is expected."""
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        url = path if path.startswith("http") else f"{self.base_url}/api/v1{path}"
        resp = self.http.request(method, url, headers=headers, **kwargs)
        wanted = (expect,) if isinstance(expect, int) else expect
        if wanted is None:
            if resp.status_code >= 400:
                raise ApiError(resp)
        elif resp.status_code not in wanted:
            raise ApiError(resp)
        return resp

    def get(self, path: str, **kw: Any) -> Any:
        """GET and decode JSON."""
        return self.request("GET", path, **kw).json()

    def post(self, path: str, json: Any = None, **kw: Any) -> Any:
        """POST JSON and decode the answer."""
        resp = self.request("POST", path, json=json, **kw)
        return resp.json() if resp.content else None

    def put(self, path: str, json: Any = None, **kw: Any) -> Any:
        """PUT JSON and decode the answer."""
        resp = self.request("PUT", path, json=json, **kw)
        return resp.json() if resp.content else None

    def patch(self, path: str, json: Any = None, **kw: Any) -> Any:
        """PATCH JSON and decode the answer."""
        return self.request("PATCH", path, json=json, **kw).json()

    def upload(self, path: str, data: bytes, **params: Any) -> Any:
        """POST a document (the file as the body, its name and options as the query)."""
        return self.request("POST", path, content=data, params=params,
                            headers={"Content-Type": "application/octet-stream"}).json()

    def login(self, email: str, password: str) -> Client:
        """A client holding the user's bearer token."""
        body = self.as_user("").post("/auth/token", {"email": email, "password": password})
        return self.as_user(body["access_token"])


