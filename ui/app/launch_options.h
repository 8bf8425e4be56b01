#pragma once

#include <optional>

#include <QString>
#include <QStringList>

#include "core/image/preprocess.h"
#include "ui/document/view_state.h"

namespace attnscope::ui {

// `attnscope [--model DIR] [--text STR [--text-b STR] | --text-file FILE | --image FILE] [--run]
//            [--size WxH] [--target STR | --generate N] [--view NAME] [--layer N] [--head N] [--method NAME] [--statistic NAME]`: reach a figure
// in one command (--target / --generate: encoder-decoder models such as T5).
struct LaunchOptions {
  QString model;
  QString text;
  QString text_b;  // the second segment of a sentence pair
  QString text_file;
  QString image;
  std::optional<attnscope::ImageSize> image_size;  // --size WxH or N
  QString target;
  std::optional<int> generate;
  bool run = false;
  std::optional<ViewKind> view;
  std::optional<int> layer;
  std::optional<int> head;
  std::optional<Method> method;  // --method
  QString statistic;             // --statistic: the Heads view's
  QStringList corpus;  // --corpus: batch result folders or a merged summary, for the Heads view
};

struct LaunchParse {
  LaunchOptions options;
  QString error;  // non-empty: print it and exit with status 2
  bool exit_now = false;  // --help / --version were answered
};

LaunchParse parse_launch_options(const QStringList& arguments);

}  // namespace attnscope::ui
