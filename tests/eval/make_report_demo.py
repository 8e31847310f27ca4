"""Builds the demo behind docs/images/eval_report.png: renders three small Russian documents
with Pillow, writes prediction records with grounded boxes (some answers wrong on purpose), runs
eval_report_tool on them and, if chromium is installed, screenshots report.html headlessly.

  python tests/eval/make_report_demo.py BUILD_DIR/tests/eval/eval_report_tool OUT_DIR [SCREENSHOT.png]
"""
import json
import os
import shutil
import subprocess
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/paratype"
W, H = 620, 877  # A4 at 75 dpi


def font(size, bold=False):
    return ImageFont.truetype(os.path.join(FONT_DIR, "PTS75F.ttf" if bold else "PTS55F.ttf"), size)


def render(path, title, lines):
    """Draws `title` and (label, value) lines; returns {label: bbox of the value}."""
    img = Image.new("RGB", (W, H), "white")
    d = ImageDraw.Draw(img)
    d.text((40, 40), title, font=font(22, True), fill="black")
    d.line((40, 75, W - 40, 75), fill="black", width=2)
    boxes = {}
    y = 100
    for label, value in lines:
        d.text((40, y), label, font=font(15), fill="#333")
        box = d.textbbox((250, y), value, font=font(15, True))
        d.text((250, y), value, font=font(15, True), fill="black")
        boxes[label] = [box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2]
        y += 34
    for k in range(8):  # table body as grey bars
        d.rectangle((40, y + 20 + k * 22, W - 40 - (k * 37) % 120, y + 32 + k * 22), fill="#d0d0d0")
    img.save(path)
    return boxes


def main():
    tool, out = sys.argv[1], sys.argv[2]
    shot = sys.argv[3] if len(sys.argv) > 3 else None
    data = os.path.join(out, "data")
    os.makedirs(os.path.join(data, "images"), exist_ok=True)
    docs = {
        "invoice": ("Счёт на оплату № 42 от 01.02.2024", [
            ("Поставщик", "ООО «Ромашка»"), ("ИНН", "7707083893"), ("КПП", "773601001"),
            ("Покупатель", "АО «Берёзка»"), ("Итого", "15 300,50 руб."), ("В т.ч. НДС 20%", "2 550,08 руб.")]),
        "act": ("Акт № 7 выполненных работ", [
            ("Исполнитель", "ИП Семёнова Е. П."), ("Заказчик", "ООО «Вектор»"), ("Дата", "15.03.2024"),
            ("Сумма", "48 000,00 руб."), ("Позиций", "3")]),
        "receipt": ("Кассовый чек", [
            ("Магазин", "«Пятёрочка»"), ("Товар", "Молоко 3,2%"), ("Количество", "2 шт."),
            ("Итого", "189,90"), ("Оплата", "картой")]),
    }
    boxes = {k: render(os.path.join(data, "images", f"{k}.png"), t, lines) for k, (t, lines) in docs.items()}
    qa = [  # (doc, label, type, question, gold, prediction)
        ("invoice", "ИНН", "extractive", "Какой ИНН поставщика?", "7707083893", "7707083893"),
        ("invoice", "Итого", "extractive", "Какова итоговая сумма?", "15 300,50 руб.", "15300.50"),
        ("invoice", "Покупатель", "extractive", "Кто покупатель?", "АО «Берёзка»", "АО Березка"),
        ("invoice", "В т.ч. НДС 20%", "arithmetic", "Чему равен НДС?", "2 550,08 руб.", "2 500,08"),
        ("act", "Исполнитель", "transcription", "Перепишите исполнителя.", "ИП Семёнова Е. П.", "ИП Семенова Е.П."),
        ("act", "Позиций", "counting", "Сколько позиций в акте?", "3", "4"),
        ("act", "Дата", "extractive", "Когда составлен акт?", "15.03.2024", "15.03.2024"),
        ("receipt", "Итого", "extractive", "Сколько заплатили?", "189,90", "189.9 руб."),
        ("receipt", "Оплата", "yesno", "Оплачено наличными?", "нет", "да"),
        ("receipt", "Магазин", "extractive", "Как называется магазин?", "«Пятёрочка»", "Пятерочка"),
    ]
    with open(os.path.join(out, "predictions_in.jsonl"), "w", encoding="utf-8") as f:
        for i, (doc, label, qtype, q, gold, pred) in enumerate(qa):
            f.write(json.dumps({"id": f"{doc}-{i:02d}", "image": f"images/{doc}.png", "doc_type": doc,
                                "question_type": qtype, "field": label, "bbox": boxes[doc][label],
                                "question": q, "answers": [gold], "prediction": pred}, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "train_answers.jsonl"), "w", encoding="utf-8") as f:
        for qtype, answer in [("extractive", "7707083893"), ("counting", "3"), ("counting", "3"), ("yesno", "да"),
                              ("yesno", "да"), ("yesno", "нет"), ("arithmetic", "1 000,00"), ("transcription", "ООО «Ромашка»")]:
            f.write(json.dumps({"question_type": qtype, "answer": answer}, ensure_ascii=False) + "\n")
    report = os.path.join(out, "report")
    subprocess.run([tool, os.path.join(out, "predictions_in.jsonl"), data, report,
                    "--baseline", os.path.join(out, "train_answers.jsonl")], check=True)
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if shot and browser:
        raw = os.path.join(out, "screenshot_raw.png")
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--screenshot={raw}", "--window-size=1100,1500",
                        "file://" + os.path.abspath(os.path.join(report, "report.html"))],
                       check=True, capture_output=True)
        # Palette PNG keeps the screenshot small enough for the repository (< 300 KB).
        Image.open(raw).convert("RGB").quantize(colors=128).save(shot, optimize=True)
        print(f"screenshot: {shot} ({os.path.getsize(shot) // 1024} KB)")


if __name__ == "__main__":
    main()
