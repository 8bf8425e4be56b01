#include "ui/figures/text_figure.h"

#include "ui/document/analysis_document.h"
#include "ui/document/map_builder.h"
#include "ui/render/axis_labels.h"

namespace attnscope::ui {

std::unique_ptr<TextRenderer> text_figure(const AnalysisDocument& doc, const ViewState& s) {
  auto r = std::make_unique<TextRenderer>();
  r->cmap = ColorMap(s.color_map);
  if (!doc.hasAnalysis()) {
    r->title = QObject::tr("Run a text model to see its attention over the text.");
    return r;
  }
  const Analysis& a = *doc.analysis();
  if (a.model.modality != Modality::Text) {
    r->title = QObject::tr("The Text view is for text models; see the Image view.");
    return r;
  }
  const DisplayMap m = build_display_map(doc, s);
  if (m.empty()) {
    r->title = m.unavailable;
    return r;
  }
  int query = doc.effectiveQuery(s);
  const int row = std::max(0, m.rowOf(query));
  query = m.row_tokens[static_cast<size_t>(row)];
  r->query = query;
  double row_max = 0;
  for (int c = 0; c < m.values.cols(); ++c) row_max = std::max<double>(row_max, m.values(row, c));
  const bool per_row = s.normalization == Normalization::Row;
  const int query_end = m.token_ends[static_cast<size_t>(row)];
  r->subject = query_end - query > 1 ? QObject::tr("attention from \u201c%1\u201d (tokens %2\u2013%3)").arg(m.labels.value(row)).arg(query).arg(query_end - 1)
                                     : QObject::tr("attention from \u201c%1\u201d (token %2)").arg(token_label(m.labels.value(row)).trimmed()).arg(query);
  r->title = r->subject + QString::fromUtf8(" \u00b7 ") + m.title;
  if (!m.excluded_mass.empty())
    r->note = QObject::tr("The excluded tokens took %1% of this row before the rest was renormalised.")
                  .arg(100.0 * m.excluded_mass[static_cast<size_t>(row)], 0, 'f', 1);

  r->bar = per_row ? ColorBar{r->cmap, 0.0, row_max, false, QObject::tr("attention weight (relative to the row max)")}
                  : ColorBar{r->cmap, m.scale_lower, m.scale_upper, m.log_scale, m.scale_label};
  r->bar->faded = true;
  const std::string* texts[2] = {&a.text, &a.text_pair};
  std::vector<int> pos[2] = {utf16_positions(a.text), utf16_positions(a.text_pair)};
  size_t last_end[2] = {0, 0};
  std::vector<std::vector<TextRenderer::Span>> spans(2);
  for (int c = 0; c < m.values.cols(); ++c) {
    const int t = m.col_tokens[static_cast<size_t>(c)];
    const Token& tok = a.encoding.tokens[static_cast<size_t>(t)];
    const Token& last = a.encoding.tokens[static_cast<size_t>(m.token_ends[static_cast<size_t>(c)] - 1)];  // a merged word's last piece
    const double w = m.values(row, c);
    const bool masked = m.masked(row, c);
    const double shade = masked ? 0.0 : per_row ? (row_max > 0 ? w / row_max : 0) : m.shade(row, c);
    if (tok.sequence < 0 || tok.begin == tok.end) {
      r->chips.push_back({token_label(m.labels.value(c)), t, shade, w, masked});
      continue;
    }
    const int seq = tok.sequence == 1 ? 1 : 0;
    const auto& p = pos[seq];
    const size_t end = std::max(tok.end, last.end);
    const int last_token = m.token_ends[static_cast<size_t>(c)] - 1;
    spans[static_cast<size_t>(seq)].push_back(
        {p[std::min(tok.begin, p.size() - 1)], p[std::min(end, p.size() - 1)], t, last_token > t ? last_token : -1, shade, w, masked});
    last_end[seq] = std::max(last_end[seq], end);
  }
  for (int seq = 0; seq < 2; ++seq) {
    if (texts[seq]->empty()) continue;
    // Show the text up to the last token the model read (plus a little), not a whole 10 MB file.
    size_t end = std::min(texts[seq]->size(), last_end[seq] + 200);
    while (end < texts[seq]->size() && (static_cast<unsigned char>((*texts[seq])[end]) & 0xC0) == 0x80) ++end;
    TextRenderer::Paragraph para;
    para.text = QString::fromUtf8(texts[seq]->data(), static_cast<qsizetype>(end));
    para.spans = spans[static_cast<size_t>(seq)];
    if (end < texts[seq]->size()) {
      para.text += QString::fromUtf8(" \u2026");
      r->note = (r->note.isEmpty() ? QString() : r->note + " ") +
                QObject::tr("The model read the first %n token(s); the rest of the text is not shown.", nullptr, a.seq_len());
    }
    r->paragraphs.push_back(std::move(para));
  }
  return r;
}

}  // namespace attnscope::ui
