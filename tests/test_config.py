"""Settings: which model endpoint and mode a newcomer's environment leads to."""
import pytest

from studio.config import build_config


def settings(tmp_path, **environ):
    return build_config({"STUDIO_DATA_DIR": str(tmp_path)}, environ=environ)


@pytest.mark.parametrize("environ, url, mode", [
    ({}, "http://127.0.0.1:8080/v1", "completion"),
    ({"STUDIO_LLM_PORT": "8091"}, "http://127.0.0.1:8091/v1", "completion"),
    # The bundled model moved to another port by hand is still the bundled base model.
    ({"OPENAI_BASE_URL": "http://127.0.0.1:9000/v1"}, "http://127.0.0.1:9000/v1", "completion"),
    ({"OPENAI_BASE_URL": "https://llm.provider.example/v1"}, "https://llm.provider.example/v1", "chat"),
    ({"OPENAI_BASE_URL": "http://10.1.2.3:8080/v1", "STUDIO_LLM_MODEL": "gemma-3-270m"},
     "http://10.1.2.3:8080/v1", "completion"),
    ({"OPENAI_BASE_URL": "http://localhost:8000/v1", "STUDIO_LLM_MODEL": "qwen2.5-7b-instruct"},
     "http://localhost:8000/v1", "chat"),
    ({"OPENAI_BASE_URL": "https://llm.provider.example/v1", "STUDIO_LLM_MODE": "completion"},
     "https://llm.provider.example/v1", "completion"),
])
def test_the_drafting_mode_follows_the_model_not_the_url(tmp_path, environ, url, mode):
    config = settings(tmp_path, **environ)
    assert (config["OPENAI_BASE_URL"], config["STUDIO_LLM_MODE"]) == (url, mode)


def test_the_model_port_reaches_the_embeddings_default_too(tmp_path):
    assert settings(tmp_path, STUDIO_LLM_PORT="8091")["STUDIO_EMBEDDINGS_BASE_URL"] == "http://127.0.0.1:8091/v1"


@pytest.mark.parametrize("port", ["abc", "0", "70000", "80 80"])
def test_a_model_port_that_is_not_a_port_is_named(tmp_path, port):
    with pytest.raises(ValueError, match="STUDIO_LLM_PORT"):
        settings(tmp_path, STUDIO_LLM_PORT=port)
