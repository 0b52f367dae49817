"""A text OFD (GB/T 33190) made from a PDF's text layer: every character a TextObject at its
PDF position, in millimetres from the top left; enough structure for an OFD reader."""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from nianbao.training.synth.tokens import read_chars

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'
MM = 25.4 / 72


def pdf_to_ofd(pdf: Path, out: Path) -> Path:
    pages = read_chars(str(pdf))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.1" DocType="OFD">'
                              f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>nianbao-test</ofd:DocID></ofd:DocInfo>"
                              f"<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        refs = "".join(f'<ofd:Page ID="{100 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        w, h = pages[0]["width"] * MM, pages[0]["height"] * MM
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
                                         f"<ofd:MaxUnitID>1</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {w:.2f} {h:.2f}"
                                         f"</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>"
                                         f"</ofd:CommonData><ofd:Pages>{refs}</ofd:Pages></ofd:Document>")
        z.writestr("Doc_0/PublicRes.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {NS} BaseLoc="Res">'
                                          f'<ofd:Fonts><ofd:Font ID="2" FontName="SimSun"/></ofd:Fonts></ofd:Res>')
        for i, p in enumerate(pages):
            objs = []
            ph = p["height"]
            for j, (ch, box, origin) in enumerate(p["chars"]):
                size = max(box[3] - box[1], 4.0) * MM
                x, base = origin[0] * MM, (ph - origin[1]) * MM
                objs.append(f'<ofd:TextObject ID="{1000 + j}" Boundary="{x:.3f} {base - size:.3f} {size:.3f} {size * 1.2:.3f}" '
                            f'Font="2" Size="{size:.3f}"><ofd:TextCode X="0" Y="{size:.3f}">{escape(ch)}</ofd:TextCode>'
                            f"</ofd:TextObject>")
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Content><ofd:Layer ID="3">'
                       + "".join(objs) + "</ofd:Layer></ofd:Content></ofd:Page>")
    return out
