"""Recognition batches on OpenVINO infer requests that run side by side.

rapidocr runs its recognition batches one after another on one infer request compiled for
latency. A batch of six short crops cannot keep two cores busy with one request, and the
Python that resizes the next batch and decodes the last one waits for it. Here the same model
is compiled for throughput (a stream per core) and batches go round a few infer requests:
while some run, the next batch is resized and the oldest finished one decoded. Same model,
same batches, the same logits bit for bit (docs/ocr.md: what it saves).
"""
from __future__ import annotations

import time

import numpy as np
from rapidocr.ch_ppocr_rec.main import TextRecognizer
from rapidocr.ch_ppocr_rec.typings import TextRecInput, TextRecOutput

# requests per stream: while one runs, the next batch is already resized and waiting
REQUESTS_PER_STREAM = 2


class QueuedRecognizer(TextRecognizer):
    def __init__(self, cfg):
        super().__init__(cfg)  # compiles the model with cfg's engine settings (throughput: engine.py)
        own = self.session.session
        compiled = own.get_compiled_model()
        streams = max(1, int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
        # the session's own request and more of the same model; no completion callbacks: they
        # need the GIL, and a request stays busy until its callback ran
        self.requests = [own] + [compiled.create_infer_request() for _ in range(streams * REQUESTS_PER_STREAM - 1)]

    def __call__(self, args: TextRecInput) -> TextRecOutput:
        start = time.perf_counter()
        imgs = [args.img] if isinstance(args.img, np.ndarray) else list(args.img)
        if not imgs:
            return super().__call__(args)
        order = np.argsort(np.array([im.shape[1] / float(im.shape[0]) for im in imgs]))
        _, height, width = self.rec_image_shape[:3]
        results: list = [None] * len(imgs)
        running: list = []  # (request, positions, ratios, widest, batch), oldest first

        def finish() -> None:
            request, pos, ratios, widest, _ = running.pop(0)
            request.wait()
            lines, words = self.postprocess_op(request.get_output_tensor().data, args.return_word_box,
                                               wh_ratio_list=ratios, max_wh_ratio=widest)
            for r, line in enumerate(lines):
                results[pos[r]] = (line, words[r] if args.return_word_box else None)

        free = list(self.requests)
        # widest batch first: the last batches run alone on one stream, so they should be short
        for beg in reversed(range(0, len(imgs), self.rec_batch_num)):
            pos = order[beg:beg + self.rec_batch_num]
            ratios = [imgs[i].shape[1] / float(imgs[i].shape[0]) for i in pos]
            widest = max(width / height, *ratios)  # rapidocr's padding rule, so the logits match
            batch = np.concatenate([self.resize_norm_img(imgs[i], widest)[None] for i in pos]).astype(np.float32)
            if not free:
                free.append(running[0][0])
                finish()
            request = free.pop()
            request.start_async([batch])
            running.append((request, pos, ratios, widest, batch))  # the batch lives until read
        while running:
            finish()
        line_results, word_results = zip(*results)
        txts, scores = zip(*line_results)
        return TextRecOutput(imgs, txts, scores, word_results, time.perf_counter() - start)
