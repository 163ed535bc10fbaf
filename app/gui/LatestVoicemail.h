#pragma once

namespace Switchboard {

class MainWindow;

// Selects the newest call that has a voicemail, as soon as the feed has loaded one, so that
// scripts (scripts/screenshot.sh) can show the details pane with its player without driving
// the keyboard. Until one is there it looks again at each update of the feed, and with none
// it selects nothing.
void selectLatestVoicemail(MainWindow *window);

} // namespace Switchboard
