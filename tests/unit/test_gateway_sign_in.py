"""The dev sign-in route exists only on a development stack with the dev issuer (its call with a
running gateway, and how the browser is told to sign in, are in
tests/integration/test_gateway_sign_in.py)."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from gateway.main import create_app
from gateway.settings import Settings

PATH = "/auth/dev-token"


def test_development_with_the_dev_issuer_documents_the_route(tmp_path: Path) -> None:
    settings = Settings(run_dir=tmp_path, auth_mode="dev", environment="development")

    assert settings.dev_sign_in_enabled
    assert "post" in create_app(settings).openapi()["paths"][PATH]


def test_production_has_no_dev_sign_in(tmp_path: Path) -> None:
    settings = Settings(
        run_dir=tmp_path,
        auth_mode="firebase",
        environment="production",
        firebase_project_id="ib-prod",
        firebase_web_api_key="AIzaSyD-example-key",
    )
    app = create_app(settings)

    assert not settings.dev_sign_in_enabled
    assert PATH not in app.openapi()["paths"]
    response = TestClient(app).post(PATH, json={"user_name": "demo"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_firebase_sign_in_in_development_has_no_dev_sign_in_either(tmp_path: Path) -> None:
    settings = Settings(
        run_dir=tmp_path,
        auth_mode="firebase",
        firebase_project_id="ib-dev",
        firebase_web_api_key="AIzaSyD-example-key",
    )
    app = create_app(settings)

    assert PATH not in app.openapi()["paths"]
    assert TestClient(app).post(PATH, json={"user_name": "demo"}).status_code == 404
