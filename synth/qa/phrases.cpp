#include "synth/qa/phrases.h"

#include <map>

namespace vlmforge::synth {
namespace {

// Genitive of each party role, by document type where the role's name changes.
std::string role_genitive(const std::string& doc_type, const std::string& role) {
  if (role == "seller") {
    if (doc_type == "act" || doc_type == "contract") return "исполнителя";
    if (doc_type == "waybill") return "грузоотправителя";
    if (doc_type == "receipt") return "магазина";
    if (doc_type == "vat_invoice") return "продавца";
    return "поставщика";
  }
  if (role == "buyer") {
    if (doc_type == "act" || doc_type == "contract") return "заказчика";
    if (doc_type == "waybill") return "грузополучателя";
    return "покупателя";
  }
  static const std::map<std::string, std::string> roles = {
      {"principal", "доверителя"},  {"agent", "представителя"},      {"supplier", "поставщика"},
      {"sender", "отправителя письма"}, {"addressee", "адресата"},   {"org", "организации"},
      {"employee", "сотрудника"},   {"applicant", "заявителя"}};
  auto it = roles.find(role);
  return it == roles.end() ? "" : it->second;
}

const std::map<std::string, FieldPhrase>& attribute_phrases() {
  static const std::map<std::string, FieldPhrase> m = {
      {"name", {"наименование", "наименование"}},
      {"inn", {"ИНН", "ИНН"}},
      {"kpp", {"КПП", "КПП"}},
      {"ogrn", {"ОГРН", "ОГРН"}},
      {"address", {"адрес", "адрес"}},
      {"phone", {"телефон", "телефон"}},
      {"email", {"адрес электронной почты", "адрес электронной почты"}},
      {"bank", {"банк", "банк"}},
      {"bik", {"БИК банка", "БИК банка"}},
      {"account", {"расчетный счет", "расчетный счет"}},
      {"corr_account", {"корреспондентский счет", "корреспондентский счет"}},
      {"head", {"руководитель", "руководителя"}},
      {"passport", {"серия и номер паспорта", "серию и номер паспорта"}},
      {"position", {"должность", "должность"}},
      {"since", {"дата начала работы", "дату начала работы"}},
      {"salary", {"средняя заработная плата", "среднюю заработную плату"}},
      {"surname", {"фамилия", "фамилию"}},
      {"first_name", {"имя", "имя"}},
      {"patronymic", {"отчество", "отчество"}},
      {"birth_date", {"дата рождения", "дату рождения"}},
      {"education", {"образование", "образование"}},
      {"experience", {"стаж работы в годах", "стаж работы в годах"}}};
  return m;
}

const std::map<std::string, FieldPhrase>& document_phrases() {
  static const std::map<std::string, FieldPhrase> m = {
      {"doc.number", {"номер документа", "номер документа"}},
      {"doc.date", {"дата документа", "дату документа"}},
      {"doc.time", {"время покупки", "время покупки"}},
      {"doc.title", {"заголовок документа", "заголовок документа"}},
      {"total", {"итоговая сумма", "итоговую сумму"}},
      {"vat", {"сумма НДС", "сумму НДС"}},
      {"net", {"сумма без НДС", "сумму без НДС"}},
      {"amount_words", {"сумма прописью", "сумму прописью"}},
      {"items_count", {"количество наименований", "количество наименований"}},
      {"payment", {"сумма оплаты", "сумму оплаты"}},
      {"cashier", {"кассир", "кассира"}},
      {"fn", {"номер фискального накопителя", "номер фискального накопителя"}},
      {"fd", {"номер фискального документа", "номер фискального документа"}},
      {"fp", {"фискальный признак", "фискальный признак"}},
      {"city", {"город составления", "город составления"}},
      {"basis", {"основание отгрузки", "основание отгрузки"}},
      {"shipper", {"грузоотправитель", "грузоотправителя"}},
      {"consignee", {"грузополучатель", "грузополучателя"}},
      {"currency", {"валюта документа", "валюту документа"}},
      {"invoice_number", {"номер счета в доверенности", "номер счета в доверенности"}},
      {"debt.amount", {"сумма задолженности", "сумму задолженности"}},
      {"debt.words", {"сумма задолженности прописью", "сумму задолженности прописью"}},
      {"contract.number", {"номер договора", "номер договора"}},
      {"change.date", {"дата изменения реквизитов", "дату изменения реквизитов"}},
      {"payment_days", {"срок оплаты в банковских днях", "срок оплаты в банковских днях"}}};
  return m;
}

std::string item_name(const Document& doc, size_t i) {
  return i < doc.items.size() ? doc.items[i].name : "";
}

}  // namespace

FieldPhrase field_phrase(const Document& doc, const std::string& key) {
  if (key == "doc.due_date") {
    if (doc.doc_type == "power_of_attorney") return {"срок действия доверенности", "срок действия доверенности"};
    if (doc.doc_type == "contract") return {"срок действия договора", "срок действия договора"};
    if (doc.doc_type == "letter") return {"срок погашения задолженности", "срок погашения задолженности"};
    return {"срок оплаты", "срок оплаты"};
  }
  if (key == "org.head" && doc.doc_type == "application")
    return {"руководитель организации-адресата", "руководителя организации-адресата"};
  const auto& docs = document_phrases();
  if (auto it = docs.find(key); it != docs.end()) return it->second;
  if (key.rfind("signer", 0) == 0 && key.size() > 7 && key.compare(key.size() - 5, 5, ".name") == 0) {
    const std::string n = std::to_string(std::atoi(key.c_str() + 6) + 1);
    return {"расшифровка подписи № " + n, "расшифровку подписи № " + n};
  }
  if (key.rfind("items[", 0) == 0) {
    const size_t close = key.find(']');
    const size_t i = static_cast<size_t>(std::atoi(key.c_str() + 6));
    const std::string attr = key.substr(close + 2);
    const std::string q = "«" + item_name(doc, i) + "»";
    const bool report = doc.doc_type == "report";
    if (attr == "quantity") return {"количество по позиции " + q, "количество по позиции " + q};
    if (attr == "price") return {"цена позиции " + q, "цену позиции " + q};
    if (attr == "unit") return {"единица измерения позиции " + q, "единицу измерения позиции " + q};
    if (attr == "amount")
      return report ? FieldPhrase{"фактическая выручка по строке " + q, "фактическую выручку по строке " + q}
                    : FieldPhrase{"сумма по позиции " + q, "сумму по позиции " + q};
    if (attr == "vat") return {"сумма НДС по позиции " + q, "сумму НДС по позиции " + q};
    if (attr == "total") return {"стоимость с налогом по позиции " + q, "стоимость с налогом по позиции " + q};
    if (attr == "plan") return {"план по строке " + q, "план по строке " + q};
    if (attr == "percent") return {"процент выполнения плана по строке " + q, "процент выполнения плана по строке " + q};
    if (attr == "name") return {"наименование позиции № " + std::to_string(i + 1), "наименование позиции № " + std::to_string(i + 1)};
    return {};
  }
  const size_t dot = key.find('.');
  if (dot == std::string::npos) return {};
  const std::string role = key.substr(0, dot), attr = key.substr(dot + 1);
  const std::string gen = role_genitive(doc.doc_type, role);
  if (gen.empty()) return {};
  if (attr == "name" && (role == "agent" || role == "employee"))
    return {"ФИО " + gen, "ФИО " + gen};
  if (role == "applicant" && attr == "position") return {"желаемая должность заявителя", "желаемую должность заявителя"};
  const auto& attrs = attribute_phrases();
  auto it = attrs.find(attr);
  if (it == attrs.end()) return {};
  return {it->second.nom + " " + gen, it->second.acc + " " + gen};
}

}  // namespace vlmforge::synth
