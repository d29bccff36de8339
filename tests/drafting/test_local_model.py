"""The model side: the bundled model file and server, and write_variant against real and fake servers."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import random
import time
from pathlib import Path

import pytest

from prompts import Fact, build_draft_prompt
from studio.drafting.writer import (
    GenerationFailed,
    LLMSettings,
    Variant,
    cjk_share,
    clean_text,
    find_citations,
    write_variant,
)
from studio.localmodel import MODEL_ALIAS, ensure_model_file, expected_size, model_path, server_argv
from tests.support import ROOT, free_port
from tests.support.local_model import model_cache_dir, models_answer, stop_local_model_server

KEY_TERMS = ["白牡丹2024", "白牡丹2024新茶上市"]


def chat_settings(url: str, **changes) -> LLMSettings:
    values = {"base_url": url, "api_key": "sk-test-secret-123456", "model": "provider-model-x", "mode": "chat",
              "timeout_s": 10}
    values.update(changes)
    return LLMSettings(**values)


# ---- the model file and the server command ------------------------------------------------------

def test_server_argv_uses_flags_the_installed_llama_cpp_server_knows():
    argv = server_argv(Path("/models/m.gguf"), host="127.0.0.1", port=8123)
    assert argv[:3] == [sys.executable, "-m", "llama_cpp.server"]
    options = dict(zip(argv[3::2], argv[4::2]))
    assert options["--model"] == "/models/m.gguf" and options["--port"] == "8123"
    assert options["--host"] == "127.0.0.1" and options["--model_alias"] == MODEL_ALIAS
    assert options["--n_threads"] == "2" and int(options["--n_ctx"]) >= 2048
    help_text = subprocess.run([sys.executable, "-m", "llama_cpp.server", "--help"], capture_output=True,
                               text=True, timeout=60, check=True).stdout
    for flag in options:
        assert f"{flag} " in help_text, flag


def test_ensure_model_file_assembles_once_and_repairs_a_partial_file(tmp_path):
    path = ensure_model_file(tmp_path)
    assert path == model_path(tmp_path) == tmp_path / "models" / "gemma-3-270m-q4_k_m.gguf"
    assert path.stat().st_size == expected_size() > 200_000_000
    assert path.read_bytes()[:4] == b"GGUF"
    stamp = path.stat().st_mtime_ns
    started = time.monotonic()
    assert ensure_model_file(tmp_path) == path
    assert time.monotonic() - started < 0.5 and path.stat().st_mtime_ns == stamp, "present: a quick no-op"
    with path.open("r+b") as handle:  # an interrupted copy
        handle.truncate(1000)
    assert ensure_model_file(tmp_path).stat().st_size == expected_size()
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name], "no temporary files left behind"


def test_prepare_command_uses_the_data_dir_from_the_environment(tmp_path):
    cache = model_cache_dir()
    ensure_model_file(cache)
    env = {**os.environ, "STUDIO_DATA_DIR": str(cache)}
    result = subprocess.run([sys.executable, "-m", "studio.localmodel", "prepare"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(model_path(cache.resolve()))


@pytest.mark.slow
def test_serve_command_execs_the_server_which_answers_and_stops_on_sigint():
    cache = model_cache_dir()
    ensure_model_file(cache)
    port = free_port()
    env = {**os.environ, "STUDIO_LLM_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "-m", "studio.localmodel", "serve", "--data-dir", str(cache)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not models_answer(f"http://127.0.0.1:{port}/v1"):
            assert process.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not answer"
            time.sleep(0.3)
        # os.execv: the process we started *is* the server, so Ctrl-C reaches it.
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_bytes().split(b"\0")
        assert b"llama_cpp.server" in cmdline
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) is not None
    finally:
        stop_local_model_server(process)


# ---- the real local model ------------------------------------------------------------------

@pytest.mark.slow
def test_real_local_model_writes_an_on_topic_chinese_post_about_the_tea(local_llm, tea):
    random.seed(2026)  # the seeds each try sends the model: the same draws, and so the same drafts, every run
    prompt = build_draft_prompt(**tea)
    settings = LLMSettings(base_url=local_llm, api_key="local-model", model=MODEL_ALIAS, timeout_s=120)
    started = time.monotonic()
    variant = write_variant(prompt, tea["facts"], key_terms=KEY_TERMS, settings=settings)
    elapsed = time.monotonic() - started
    text = variant.text
    print(f"\n[{elapsed:.1f} s, {variant.tries} tries]\n{text}")
    assert isinstance(variant, Variant) and text.strip()
    assert cjk_share(text) >= 0.5
    generated = text[len(prompt.prefix):]
    assert generated.strip(), "the model wrote more than the opening it was given"
    mentions = ["白牡丹", "90℃", "298元", "357克", "5克", "福鼎", "一芽两叶", "毫香", "蜜韵"]
    assert any(word in text for word in mentions)
    assert set(variant.citations) <= {"doc-baimudan", "doc-price"} and variant.citations
    assert not any(word in text for word in prompt.taboo)
    assert not any(term in generated for term in prompt.borrowed), "no example's details copied"


@pytest.mark.slow
def test_real_local_model_follows_the_segment_stage(local_llm, tea):
    tea["segment"] = {"slug": "lapsed", "name": "沉睡客户", "lifecycle_stage": "召回",
                      "description": "90天没有下单"}
    prompt = build_draft_prompt(**tea)
    settings = LLMSettings(base_url=local_llm, api_key="local-model", model=MODEL_ALIAS, timeout_s=120)
    variant = write_variant(prompt, tea["facts"], key_terms=KEY_TERMS, settings=settings)
    assert "好久不见" in variant.text and "回来" in variant.text
    assert cjk_share(variant.text) >= 0.5


# ---- failures --------------------------------------------------------------------------------

def test_an_unreachable_server_is_reported_without_leaking_the_key(tea):
    url = f"http://127.0.0.1:{free_port()}/v1"
    prompt = build_draft_prompt(**tea)
    for mode in ("completion", "chat"):
        started = time.monotonic()
        with pytest.raises(GenerationFailed) as failure:
            write_variant(prompt, tea["facts"], key_terms=KEY_TERMS, settings=chat_settings(url, mode=mode))
        message = str(failure.value)
        assert message == f"model server unreachable at {url}"
        assert "sk-test-secret" not in message
        assert time.monotonic() - started < 5, "no pointless retries against a closed port"


def test_a_rejected_key_is_reported_without_echoing_it(fake_api, tea):
    fake_api.status = 401
    with pytest.raises(GenerationFailed, match="rejected the API key") as failure:
        write_variant(build_draft_prompt(**tea), tea["facts"], key_terms=KEY_TERMS,
                      settings=chat_settings(fake_api.url))
    assert "sk-test-secret" not in str(failure.value)


# ---- a hosted chat API (loopback stand-in) ------------------------------------------------------

GOOD_REPLY = ("好的，以下是文案：\n文案：亲们！欢迎新朋友来到山茶小馆～今天先认识一下**白牡丹2024**："
              "福鼎白茶，一芽两叶，毫香蜜韵。建议用90℃的水冲泡，每次5克。\n"
              "每饼357克，售价298元。新朋友们，来群里做个自我介绍吧，说说你平时爱喝什么茶？")


def test_hosted_chat_api_gets_persona_voice_and_numbered_facts(fake_api, tea):
    fake_api.replies = ["Sure! Here is an English post about tea that nobody asked for.", GOOD_REPLY]
    variant = write_variant(build_draft_prompt(**tea), tea["facts"], key_terms=KEY_TERMS,
                            settings=chat_settings(fake_api.url))
    assert len(fake_api.requests) == 2, "two candidates in the first attempt"
    request = fake_api.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-test-secret-123456"
    body = request["body"]
    assert body["model"] == "provider-model-x" and body["temperature"] == 0.8
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "温柔亲切，像邻家姐姐，说话慢悠悠的" in system["content"] and "小茶" in system["content"]
    assert "最便宜" in system["content"], "taboo words are spelled out for an instruct model"
    assert "[1] 白牡丹2024：福鼎白茶" in user["content"] and "[2] 价格：" in user["content"]
    # The English candidate lost; the Chinese one came back cleaned.
    assert variant.text.startswith("亲们！欢迎新朋友来到山茶小馆～今天先认识一下白牡丹2024：")
    assert "以下是" not in variant.text and "**" not in variant.text and "文案：" not in variant.text
    assert variant.citations == ["doc-baimudan", "doc-price"]


def test_nothing_usable_after_all_attempts_raises_with_the_reasons(fake_api, tea):
    fake_api.replies = ["This is not Chinese at all, sorry."] * 3 + ["今天天气很好，我们一起去公园散步吧，晚上再约上朋友们一起吃火锅，真是开心的一天呀！"] * 3
    settings = chat_settings(fake_api.url, attempts=3, candidates=2)
    with pytest.raises(GenerationFailed) as failure:
        write_variant(build_draft_prompt(**tea), tea["facts"], key_terms=KEY_TERMS, settings=settings)
    message = str(failure.value)
    assert len(fake_api.requests) == 6
    assert "after 6 tries" in message and "not Chinese" in message and "off-topic" in message
    assert "白牡丹2024" in message, "the off-topic reason names the expected terms"


def test_empty_output_is_never_returned(fake_api, tea):
    fake_api.replies = ["", "   ", "\n\n"]
    with pytest.raises(GenerationFailed, match="empty output"):
        write_variant(build_draft_prompt(**tea), tea["facts"], key_terms=KEY_TERMS,
                      settings=chat_settings(fake_api.url, attempts=3, candidates=1))


def completion_settings(url: str, **changes) -> LLMSettings:
    values = {"base_url": url, "api_key": "local-model", "model": MODEL_ALIAS, "timeout_s": 10}
    values.update(changes)
    return LLMSettings(**values)


def test_a_base_model_copying_an_example_price_or_inventing_a_figure_is_rejected(fake_api, tea):
    # Each candidate: the body after the opening, then the end of the closing line.
    fake_api.replies = [
        "白牡丹2024会员价199元，3月15日24点截止，限量200瓶，早晚各用2滴。", "",  # the skincare example's figures
        "白牡丹2024今天只要88元，建议90℃冲泡，一芽两叶，毫香蜜韵，快来群里抢购吧。", "",  # a price nobody gave
    ]
    with pytest.raises(GenerationFailed) as failure:
        write_variant(build_draft_prompt(**tea), tea["facts"], key_terms=KEY_TERMS,
                      settings=completion_settings(fake_api.url, attempts=1, candidates=2))
    assert "copied an example" in str(failure.value) and "88元" in str(failure.value)


def test_a_sentence_lifted_from_another_brands_example_is_rejected(fake_api, tea):
    prompt = build_draft_prompt(**tea)
    lifted = "知道很多老朋友最近忙，不打扰大家，只是想告诉你：小屋一直在。"
    assert any(lifted[:10] in post for post in prompt.example_posts)
    fake_api.replies = [f"福鼎白茶，建议90℃冲泡。{lifted}", ""]
    with pytest.raises(GenerationFailed, match="copied an example's sentence"):
        write_variant(prompt, tea["facts"], key_terms=KEY_TERMS,
                      settings=completion_settings(fake_api.url, attempts=1, candidates=1))


def test_an_instruct_model_adding_a_figure_is_kept_but_ranked_lower(fake_api, tea):
    fake_api.replies = [
        "亲们！白牡丹2024上新啦，冬日品鉴会12月6日开始，建议90℃冲泡，一芽两叶，毫香蜜韵，新朋友们来群里打个招呼吧～",
        "亲们！白牡丹2024上新啦，建议90℃冲泡，一芽两叶，毫香蜜韵，每饼357克，新朋友们来群里打个招呼吧～",
    ]
    variant = write_variant(build_draft_prompt(**tea), tea["facts"], key_terms=KEY_TERMS,
                            settings=chat_settings(fake_api.url, attempts=1, candidates=2))
    assert "357克" in variant.text and "12月6日" not in variant.text


# ---- completion mode against a stand-in server ------------------------------------------------

def test_completion_mode_continues_the_opening_then_finishes_the_call_to_action(fake_api, tea):
    prompt = build_draft_prompt(**tea)
    fake_api.replies = [
        "福鼎白茶，一芽两叶，毫香蜜韵。建议90℃冲泡，每次5克，新手也能泡出好味道。\n每饼357克，售价298元。\n\n"
        "### 第9篇\n品牌：别家",
        "你平时喜欢喝什么茶？\n多余的一行",
    ]
    settings = LLMSettings(base_url=fake_api.url, api_key="local-model", model=MODEL_ALIAS, timeout_s=10)
    variant = write_variant(prompt, tea["facts"], key_terms=KEY_TERMS, settings=settings)
    first, second = (r["body"] for r in fake_api.requests)
    assert first["prompt"] == prompt.completion and first["stream"] is True
    assert "###" in first["stop"] and len(first["stop"]) <= 4
    assert first["repeat_penalty"] == settings.repeat_penalty and first["max_tokens"] == 220
    assert second["prompt"].endswith("\n" + prompt.closing), "the closing words are handed to the model"
    assert variant.text == (prompt.prefix + "福鼎白茶，一芽两叶，毫香蜜韵。建议90℃冲泡，每次5克，新手也能泡出好味道。\n"
                            "每饼357克，售价298元。\n" + prompt.closing + "你平时喜欢喝什么茶？")
    assert variant.citations == ["doc-baimudan", "doc-price"]


# ---- cleaning and citations -------------------------------------------------------------------

def test_clean_text_removes_junk_repeats_and_half_sentences():
    raw = ("福鼎白茶，毫香蜜韵。\n福鼎白茶，毫香蜜韵。\n<end_of_turn>看看 https://example.com/x 吧。\n"
           "好好好好好好好好，真的好喝。\n#白茶#\n今天下午三点我们一起")
    text = clean_text(raw, prefix="亲们！", truncated=True)
    assert text == "亲们！福鼎白茶，毫香蜜韵。\n看看吧。\n好好，真的好喝。"
    # A model that stopped by itself keeps its last line even without punctuation.
    assert clean_text("一起来喝茶吧", prefix="亲们！") == "亲们！一起来喝茶吧"
    # Too long: cut at a sentence end within the limit.
    assert clean_text("一二三四五。六七八九十。" * 10, max_chars=25) == "一二三四五。六七八九十。"


def test_citations_follow_distinctive_content_or_fall_back_to_the_closest_fact():
    facts = [Fact(1, "doc-a", "白牡丹2024", "建议90℃冲泡，每次5克。"),
             Fact(2, "doc-b", "价格", "每饼357克，售价298元。"),
             Fact(3, "doc-c", "寿眉", "2018年寿眉，枣香明显。")]
    assert find_citations("每饼只要298元哦", facts) == ["doc-b"]
    assert find_citations("用90℃的水泡白牡丹2024", facts) == ["doc-a"]
    assert find_citations("25克不算，只是枣香很明显", facts) == ["doc-c"]
    assert find_citations("什么都没有提到", []) == []
