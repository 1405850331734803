import re

from django.core.management import call_command


def test_openapi_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in [
        "/api/v1/readings/:",
        "/api/v1/readings/export.csv:",
        "/api/v1/latest/:",
        "/api/v1/sensors/{code}/:",
        "/api/v1/streets/:",
    ]:
        assert path in text
    assert "name: interval" in text
    assert "Hourly average of a street" in text


def test_schema_endpoint_serves_openapi(client, db):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    body = response.json()
    assert body["openapi"].startswith("3.")
    assert body["info"]["title"] == "OpenBatignolles API"
    scheme = body["components"]["securitySchemes"]["apiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    readings = body["paths"]["/api/v1/readings/"]["get"]
    assert {"apiKey": []} in readings["security"]
    assert "401" in readings["responses"]


def test_docs_page_loads_only_from_self(client, db):
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<style" not in html and " style=" not in html
    sources = re.findall(r"<script([^>]*)>", html)
    assert len(sources) == 3
    for attributes in sources:
        assert re.search(r'src="/(static|api)/', attributes), attributes
    for href in re.findall(r'href="([^"]+)"', html):
        assert href.startswith("/"), href
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()
