// Shared pieces of document layouts: the page's typeface, organisation headers, party blocks,
// item tables, totals, amounts in words and signature blocks. Each document type composes these
// with its own wording and a layout variant picked at random.
#pragma once

#include <string>
#include <vector>

#include "synth/docs/document.h"
#include "synth/render/graphics.h"
#include "synth/render/page.h"
#include "synth/values/organization.h"

namespace vlmforge::synth {

// What one document type needs while it is being drawn.
struct DocBuilder {
  Page& page;
  Document& doc;
  Rng& rng;
  int y;  // top of the free space (the layout cursor)

  // Draws a value as its own region labelled `key` and records it as a field.
  cv::Rect value(int x, int baseline, const std::string& key, const std::string& text,
                 const TextStyle& st);
  void field(const std::string& key, const std::string& text) { doc.fields[key] = text; }
  // "Label: value" on one line at the cursor; advances the cursor.
  void line(const std::string& label, const std::string& key, const std::string& text,
            int x = -1, bool bold_value = false);
  // Flowing spans at the cursor across the content width; records labelled spans as fields.
  void spans(const std::vector<Span>& s, int px = 0, Align align = Align::left, int x = -1,
             int width = -1);
  void gap(double lines = 0.6);

  int left() const { return page.margin_left; }
  int right() const { return page.width() - page.margin_right; }
  int width() const { return page.content_width(); }
  int lh() { return page.line_height(page.style()); }
};

// Title line(s) centred or left: "Счет на оплату № 123 от 05.03.2024". Records number/date.
void doc_title(DocBuilder& b, const std::string& title, const std::string& number,
               const Date& date, DateStyle style, bool centred, int px_plus = 6);
// Logo + name + address/phone block of the issuing organisation ("<role>.*" fields).
void letterhead(DocBuilder& b, const Organization& org, const std::string& role);
// Bank requisites box of classic Russian invoices (банк получателя, БИК, сч. №, ИНН, КПП).
void bank_box(DocBuilder& b, const Organization& org, const std::string& role);
// "Поставщик: ООО «...», ИНН ..., КПП ..., адрес" as flowing text.
void party(DocBuilder& b, const std::string& caption, const Organization& org,
           const std::string& role, bool with_bank);
// Item table with a random column set; records items and "items[i].*" fields.
void items_table(DocBuilder& b, const std::vector<LineItem>& items, bool services, int variant);
// Totals under the table, right-aligned ("Итого", "В том числе НДС", "Всего к оплате").
void totals_block(DocBuilder& b, int vat_rate, bool vat_included);
// "Всего наименований N, на сумму ..." and the amount in words.
void amount_words(DocBuilder& b);
// Signature lines for (position, person) pairs; each signed with probability p_sign.
void signatures(DocBuilder& b, const std::vector<std::pair<std::string, Person>>& signers,
                const std::string& key_prefix, double p_sign, const Organization* stamp_org,
                double p_stamp);
// A page footer (small text at the bottom margin).
void footer(DocBuilder& b, const std::string& text);

// The typeface of a new page (random family from the Debian fonts, loaded into `renderer`).
Typeface pick_typeface(TextRenderer& renderer, const std::string& font_dir, Rng& rng,
                       int page_width);

}  // namespace vlmforge::synth
