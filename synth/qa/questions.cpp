#include "synth/qa/questions.h"

#include <algorithm>
#include <functional>
#include <set>

#include "synth/qa/phrases.h"
#include "synth/values/amount_words.h"

namespace vlmforge::synth {

const char* const kNotGiven = "не указано";

namespace {

using Templates = std::vector<const char*>;

// "{n}" = nominative phrase, "{a}" = accusative, "{N}" = nominative with a capital letter,
// "{x}" = a free argument (item name, corner, box).
std::string fill_template(const std::string& t, const FieldPhrase& p, const std::string& x = "") {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{' && i + 2 < t.size() && t[i + 2] == '}') {
      const char k = t[i + 1];
      if (k == 'n') out += p.nom;
      else if (k == 'a') out += p.acc;
      else if (k == 'N') out += capitalize_ru(p.nom);
      else if (k == 'x') out += x;
      i += 2;
    } else {
      out += t[i];
    }
  }
  return out;
}

const Templates kExtractive = {"Укажите {a}.", "Назовите {a}.", "Что указано в документе как {n}?",
                               "Выпишите из документа {a}.", "{N}?", "Прочитайте {a} на изображении.",
                               "Найдите в документе {a}."};
const Templates kPresence = {"Указан ли в документе {n}?", "Есть ли в документе {n}?",
                             "Содержит ли документ {a}?", "Приведен ли в документе {n}?",
                             "Присутствует ли в документе {n}?"};
const Templates kSigned = {"Документ подписан?", "Есть ли на документе подпись?", "Стоит ли подпись на документе?",
                           "Подписан ли этот документ?", "Имеется ли в документе собственноручная подпись?"};
const Templates kStamped = {"Есть ли на документе печать?", "Документ заверен печатью?", "Стоит ли на документе печать?",
                            "Имеется ли оттиск печати?", "Проставлена ли печать организации?"};
const Templates kVat = {"Облагается ли сумма НДС?", "Включен ли НДС?", "Начислен ли в документе НДС?",
                        "Есть ли в документе НДС?", "Указана ли ненулевая сумма НДС?"};
const Templates kItemsCount = {"Сколько позиций в таблице?", "Сколько строк с товарами или услугами в документе?",
                               "Посчитайте количество позиций в таблице.", "Какое количество наименований перечислено в таблице?",
                               "Сколько пунктов содержит таблица документа?"};
const Templates kSignCount = {"Сколько подписей на документе?", "Посчитайте подписи на документе.",
                              "Какое количество подписей стоит в документе?", "Сколько раз документ подписан?",
                              "Сколько собственноручных подписей вы видите?"};
const Templates kStampCount = {"Сколько печатей на документе?", "Посчитайте оттиски печатей.",
                               "Какое количество печатей стоит на документе?", "Сколько раз проставлена печать?",
                               "Сколько круглых печатей вы видите?"};
const Templates kNetPlusVat = {"Сколько будет сумма без НДС плюс НДС?", "Сложите сумму без НДС и сумму НДС.",
                               "Чему равна сумма без НДС, увеличенная на НДС?",
                               "Какая сумма получится, если к сумме без НДС прибавить НДС?",
                               "Посчитайте итог: сумма без НДС + НДС."};
const Templates kNetFromTotal = {"Какова сумма без НДС?", "Сколько составляет сумма без учета НДС?",
                                 "Вычтите НДС из итоговой суммы: сколько получится?",
                                 "Чему равна итоговая сумма за вычетом НДС?", "Какая сумма останется без НДС?"};
const Templates kMostExpensive = {"Какая позиция в таблице самая дорогая по сумме?", "У какой позиции наибольшая сумма?",
                                  "Назовите позицию с самой большой суммой.", "Что в таблице стоит дороже всего (по сумме строки)?",
                                  "Какая строка таблицы имеет максимальную сумму?"};
const Templates kSumItems = {"Чему равна сумма по всем строкам таблицы?", "Сложите суммы всех позиций таблицы.",
                             "Какова общая сумма всех позиций?", "Сколько в сумме дают все строки таблицы?",
                             "Посчитайте сумму столбца «Сумма» по всем позициям."};
const Templates kLineTotal = {"Сколько стоят все единицы позиции {x} вместе?", "Умножьте количество на цену для позиции {x}.",
                              "Чему равно произведение количества и цены по позиции {x}?",
                              "Какова стоимость позиции {x} с учетом количества?", "Посчитайте сумму по позиции {x}: количество × цена."};
const Templates kDateDiff = {"Сколько дней между датой документа и {x}?", "Через сколько дней после даты документа наступает {x}?",
                             "Посчитайте число дней от даты документа до {x}.", "Какой промежуток в днях между датой документа и {x}?",
                             "Сколько календарных дней проходит от даты документа до {x}?"};
const Templates kCorner = {"Что написано {x}?", "Какой текст находится {x}?", "Прочитайте текст {x}.",
                           "Что указано {x} страницы?", "Какая надпись расположена {x}?"};
const Templates kDescribe = {"Опиши документ.", "Что это за документ?", "Кратко опишите содержание документа.",
                             "О чем этот документ?", "Дайте краткое описание документа."};
const Templates kTranscribe = {"Перепишите текст в области {x}.", "Что написано в прямоугольнике {x}?",
                               "Прочитайте текст внутри рамки {x}.", "Транскрибируйте фрагмент {x}.",
                               "Какой текст находится в области с координатами {x}?"};

const Region* find_region(const Document& doc, const std::string& label) {
  for (const auto& r : doc.regions)
    if (r.label == label) return &r;
  return nullptr;
}

// The region labelled `label` whose text shows `answer` (a field can be printed twice, e.g. the
// full name in a letterhead and the short name in the party line); the first one otherwise.
const Region* find_region(const Document& doc, const std::string& label, const std::string& answer) {
  const Region* first = nullptr;
  for (const auto& r : doc.regions) {
    if (r.label != label) continue;
    if (!first) first = &r;
    if (!answer.empty() && r.text.find(answer) != std::string::npos) return &r;
  }
  return first;
}

bool graphic(const Region& r) {
  return r.label == "signature" || r.label == "stamp" || r.label == "logo";
}

std::string box_text(const cv::Rect& b) {
  return "[" + std::to_string(b.x) + ", " + std::to_string(b.y) + ", " + std::to_string(b.x + b.width) + ", " +
         std::to_string(b.y + b.height) + "]";
}

class Generator {
 public:
  Generator(const Document& doc, Rng& rng) : doc_(doc), rng_(rng) {
    for (const auto& [key, text] : doc.fields) {
      if (!find_region(doc, key)) continue;
      if (field_phrase(doc, key).ok()) present_.push_back(key);
    }
    for (const auto& key : doc.absent)
      if (field_phrase(doc, key).ok()) absent_.push_back(key);
  }

  std::vector<QaPair> run(int count, double negative_fraction) {
    using Fn = bool (Generator::*)(QaPair&);
    struct Kind {
      double weight;
      Fn fn;
    };
    const std::vector<Kind> positive = {{3.0, &Generator::extractive}, {1.6, &Generator::arithmetic},
                                        {1.0, &Generator::yesno},      {0.7, &Generator::counting},
                                        {0.6, &Generator::description}, {1.2, &Generator::transcription}};
    const std::vector<Kind> negative = {{1.0, &Generator::absent_field}, {1.0, &Generator::no_mark}};
    std::vector<QaPair> out;
    std::set<std::string> asked;
    for (int attempt = 0; attempt < count * 8 && static_cast<int>(out.size()) < count; ++attempt) {
      const auto& kinds = rng_.chance(negative_fraction) ? negative : positive;
      double total = 0;
      for (const auto& k : kinds) total += k.weight;
      double pick = rng_.uniform() * total;
      Fn fn = kinds.back().fn;
      for (const auto& k : kinds) {
        if (pick < k.weight) {
          fn = k.fn;
          break;
        }
        pick -= k.weight;
      }
      QaPair qa;
      if (!(this->*fn)(qa)) continue;
      if (!asked.insert(qa.question).second) continue;
      out.push_back(std::move(qa));
    }
    return out;
  }

 private:
  const Document& doc_;
  Rng& rng_;
  std::vector<std::string> present_, absent_;

  const char* pick(const Templates& t) { return t[rng_.index(t.size())]; }
  std::string money(int64_t k) const { return format_money(k, doc_.money_style); }

  bool grounded(QaPair& qa, const std::string& type, const std::string& field) {
    qa.type = type;
    qa.field = field;
    const Region* r = find_region(doc_, field, qa.answer);
    if (!r) return false;
    qa.box = r->box;
    return true;
  }

  bool extractive(QaPair& qa) {
    if (present_.empty()) return false;
    const std::string& key = present_[rng_.index(present_.size())];
    const FieldPhrase p = field_phrase(doc_, key);
    qa.question = fill_template(pick(kExtractive), p);
    qa.answer = doc_.fields.at(key);
    return grounded(qa, "extractive", key);
  }

  bool absent_field(QaPair& qa) {
    if (absent_.empty()) return false;
    const std::string& key = absent_[rng_.index(absent_.size())];
    const FieldPhrase p = field_phrase(doc_, key);
    if (rng_.chance(0.5)) {
      qa.question = fill_template(pick(kExtractive), p);
      qa.answer = kNotGiven;
      qa.type = "extractive";
    } else {
      qa.question = fill_template(pick(kPresence), p);
      qa.answer = "нет";
      qa.type = "yesno";
    }
    qa.field = key;
    return true;
  }

  bool no_mark(QaPair& qa) {
    if (doc_.signatures == 0 && rng_.chance(0.5)) {
      qa.question = pick(kSigned);
    } else if (doc_.stamps == 0) {
      qa.question = pick(kStamped);
    } else {
      return false;
    }
    qa.answer = "нет";
    qa.type = "yesno";
    qa.field = qa.question == "" ? "" : (doc_.signatures == 0 ? "signature" : "stamp");
    return true;
  }

  bool yesno(QaPair& qa) {
    const int k = rng_.index(4);
    if (k == 0 && doc_.signatures > 0) {
      qa.question = pick(kSigned);
      qa.answer = "да";
      return grounded(qa, "yesno", "signature");
    }
    if (k == 1 && doc_.stamps > 0) {
      qa.question = pick(kStamped);
      qa.answer = "да";
      return grounded(qa, "yesno", "stamp");
    }
    if (k == 2 && doc_.has_totals && find_region(doc_, "vat")) {
      qa.question = pick(kVat);
      qa.answer = doc_.vat_rate > 0 ? "да" : "нет";
      return grounded(qa, "yesno", "vat");
    }
    if (k == 3 && !present_.empty()) {
      const std::string& key = present_[rng_.index(present_.size())];
      qa.question = fill_template(pick(kPresence), field_phrase(doc_, key));
      qa.answer = "да";
      return grounded(qa, "yesno", key);
    }
    return false;
  }

  bool counting(QaPair& qa) {
    const int k = rng_.index(3);
    qa.type = "counting";
    if (k == 0 && !doc_.items.empty()) {
      qa.question = pick(kItemsCount);
      qa.answer = std::to_string(doc_.items.size());
      qa.field = "items";
      for (size_t i = 0; i < doc_.items.size(); ++i)
        if (const Region* r = find_region(doc_, "items[" + std::to_string(i) + "].name")) qa.box |= r->box;
      return !qa.box.empty();
    }
    if (k == 1 && doc_.signatures > 0) {
      qa.question = pick(kSignCount);
      qa.answer = std::to_string(doc_.signatures);
      qa.field = "signature";
      for (const auto& r : doc_.regions)
        if (r.label == "signature") qa.box |= r.box;
      return true;
    }
    if (k == 2 && doc_.stamps > 0) {
      qa.question = pick(kStampCount);
      qa.answer = std::to_string(doc_.stamps);
      qa.field = "stamp";
      for (const auto& r : doc_.regions)
        if (r.label == "stamp") qa.box |= r.box;
      return true;
    }
    return false;
  }

  bool arithmetic(QaPair& qa) {
    const int k = rng_.index(6);
    const auto& items = doc_.items;
    if (k == 0 && doc_.has_totals && doc_.vat_rate > 0 && find_region(doc_, "vat")) {
      qa.question = pick(kNetPlusVat);
      qa.answer = money(doc_.totals.net + doc_.totals.vat);
      return grounded(qa, "arithmetic", "total");
    }
    if (k == 1 && doc_.has_totals && doc_.vat_rate > 0 && find_region(doc_, "vat") && !find_region(doc_, "net")) {
      qa.question = pick(kNetFromTotal);
      qa.answer = money(doc_.totals.total - doc_.totals.vat);
      return grounded(qa, "arithmetic", "total");
    }
    if (k == 2 && items.size() >= 2) {
      size_t best = 0;
      int ties = 0;
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].amount > items[best].amount) best = i, ties = 0;
        else if (i != best && items[i].amount == items[best].amount) ++ties;
      }
      if (ties) return false;
      qa.question = pick(kMostExpensive);
      qa.answer = items[best].name;
      return grounded(qa, "arithmetic", "items[" + std::to_string(best) + "].name");
    }
    if (k == 3 && !items.empty() && doc_.has_totals) {
      int64_t sum = 0;
      for (const auto& it : items) sum += it.amount;
      qa.question = pick(kSumItems);
      qa.answer = money(sum);
      return grounded(qa, "arithmetic", find_region(doc_, "net") ? "net" : "total");
    }
    if (k == 4 && !items.empty() && doc_.doc_type != "report") {
      const size_t i = static_cast<size_t>(rng_.index(items.size()));
      const std::string key = "items[" + std::to_string(i) + "]";
      if (!find_region(doc_, key + ".quantity") || !find_region(doc_, key + ".price")) return false;
      qa.question = fill_template(pick(kLineTotal), {}, "«" + items[i].name + "»");
      qa.answer = money(items[i].amount);
      return grounded(qa, "arithmetic", key + ".amount");
    }
    if (k == 5 && doc_.has_date && doc_.has_due_date && find_region(doc_, "doc.due_date") &&
        find_region(doc_, "doc.date")) {
      qa.question = fill_template(pick(kDateDiff), {}, field_phrase(doc_, "doc.due_date").nom == "срок оплаты"
                                                  ? "сроком оплаты" : "окончанием срока");
      qa.answer = std::to_string(doc_.due_date.days_since_epoch() - doc_.date.days_since_epoch());
      return grounded(qa, "arithmetic", "doc.due_date");
    }
    return false;
  }

  bool description(QaPair& qa) {
    qa.type = "description";
    if (rng_.chance(0.4)) {
      qa.question = pick(kDescribe);
      qa.answer = doc_.summary;
      qa.field = "doc";
      for (const auto& r : doc_.regions) qa.box |= r.box;
      return !doc_.summary.empty();
    }
    static const char* corners[] = {"в левом верхнем углу", "в правом верхнем углу", "в левом нижнем углу",
                                    "в правом нижнем углу"};
    const int c = rng_.index(4);
    const int w = doc_.image.cols, h = doc_.image.rows;
    const cv::Point corner((c % 2) ? w : 0, (c / 2) ? h : 0);
    const Region* best = nullptr;
    double best_d = 1e18;
    for (const auto& r : doc_.regions) {
      if (graphic(r) || r.text.size() < 3) continue;
      const cv::Point centre(r.box.x + r.box.width / 2, r.box.y + r.box.height / 2);
      // Only regions lying in that quarter of the page qualify.
      if (((centre.x > w / 2) != (c % 2 == 1)) || ((centre.y > h / 2) != (c / 2 == 1))) continue;
      const double dx = (c % 2) ? w - (r.box.x + r.box.width) : r.box.x;
      const double dy = (c / 2) ? h - (r.box.y + r.box.height) : r.box.y;
      const double d = dx * dx + dy * dy;
      if (d < best_d) best_d = d, best = &r;
    }
    if (!best) return false;
    qa.question = fill_template(pick(kCorner), {}, corners[c]);
    qa.answer = best->text;
    qa.field = best->label;
    qa.box = best->box;
    return true;
  }

  bool transcription(QaPair& qa) {
    std::vector<const Region*> candidates;
    for (const auto& r : doc_.regions)
      if (!graphic(r) && r.text.size() >= 4) candidates.push_back(&r);
    if (candidates.empty()) return false;
    const Region* r = candidates[rng_.index(candidates.size())];
    qa.question = fill_template(pick(kTranscribe), {}, box_text(r->box));
    qa.answer = r->text;
    qa.type = "transcription";
    qa.field = r->label;
    qa.box = r->box;
    return true;
  }
};

}  // namespace

std::vector<QaPair> make_questions(const Document& doc, int count, double negative_fraction, Rng& rng) {
  Generator g(doc, rng);
  return g.run(count, negative_fraction);
}

}  // namespace vlmforge::synth
