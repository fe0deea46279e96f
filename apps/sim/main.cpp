// steadyfeed-sim — entry point (the simulator is under construction in apps/sim).
#include <iostream>

int main() {
  std::cerr << "steadyfeed-sim: no venues are built into this version yet\n";
  return 2;
}
