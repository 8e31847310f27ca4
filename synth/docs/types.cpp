#include "synth/docs/types.h"

namespace vlmforge::synth {

const std::vector<DocType>& doc_types() {
  static const std::vector<DocType> types = {
      {"invoice", "Счет на оплату", 3, build_invoice},
      {"vat_invoice", "Счет-фактура", 2, build_vat_invoice},
      {"waybill", "Товарная накладная", 2, build_waybill},
      {"act", "Акт выполненных работ", 3, build_act},
      {"receipt", "Кассовый чек", 2, build_receipt},
      {"power_of_attorney", "Доверенность", 2, build_power_of_attorney},
      {"contract", "Договор", 2, build_contract},
      {"letter", "Письмо на бланке", 3, build_letter},
      {"application", "Заявление", 2, build_application},
      {"report", "Табличный отчет", 2, build_report},
  };
  return types;
}

const DocType* find_doc_type(const std::string& name) {
  for (const auto& t : doc_types())
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace vlmforge::synth
