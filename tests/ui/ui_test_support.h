#pragma once

// Shared bits of the Qt Test suites: the shared-data check and waiting for the session.
#include <QSignalSpy>
#include <QTest>

#include "tests/support/shared_data.h"
#include "ui/app/session.h"

// QSKIP / QFAIL versions of ATTNSCOPE_REQUIRE_SHARED.
#define ATTNSCOPE_QREQUIRE_SHARED()                                                                   \
  do {                                                                                                \
    if (!::attnscope::test::shared_available()) {                                                     \
      if (::attnscope::test::shared_required()) QFAIL("shared data missing and ATTNSCOPE_REQUIRE_SHARED=1"); \
      QSKIP("shared data not found (set ATTNSCOPE_SHARED_DIR)");                                       \
    }                                                                                                 \
  } while (0)

namespace attnscope::test {

inline QString sharedPath(const char* relative) { return QString::fromStdString(shared(relative).string()); }
inline QString builtinPath(const char* name) { return QString::fromStdString(builtin_model(name).string()); }

// Opens a model through the session (worker thread) and waits for it.
inline bool openModel(ui::Session& session, const QString& dir) {
  QSignalSpy opened(session.document(), &ui::AnalysisDocument::analyzerChanged);
  session.openModel(dir);
  return opened.wait(30000);
}

// Waits until the session is idle again (a run, flow or induction job finished).
inline bool waitIdle(ui::Session& session, int ms = 60000) {
  if (!session.busy()) return true;
  QSignalSpy idle(&session, &ui::Session::busyChanged);
  while (session.busy())
    if (!idle.wait(ms)) return false;
  return true;
}

// Runs a text through the session and waits for its result and for the session to be idle.
inline bool runTextAndWait(ui::Session& session, const QString& text) {
  QSignalSpy done(session.document(), &ui::AnalysisDocument::analysisChanged);
  session.runText(text);
  return done.wait(30000) && waitIdle(session);
}

}  // namespace attnscope::test
