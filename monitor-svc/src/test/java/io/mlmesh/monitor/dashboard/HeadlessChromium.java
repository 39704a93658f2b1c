package io.mlmesh.monitor.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium}, headless, driven through its own {@code chromedriver} (package
 * {@code chromium-driver}, the same version). Both are found on the PATH and named to Selenium
 * explicitly, so Selenium Manager never runs and nothing is downloaded. Missing binaries fail
 * the test with the command that installs them: CI installs them, a skip would hide the test.
 */
final class HeadlessChromium {

    private static final String INSTALL = "the dashboard test needs Debian's chromium and its"
            + " driver: apt-get install -y chromium chromium-driver (.ci/run installs them)";

    private HeadlessChromium() {
    }

    /** A new headless browser; the caller quits it. */
    static ChromeDriver start() {
        File browser = onPath("chromium");
        File driver = onPath("chromedriver");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver)
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(browser)
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                        "--disable-dev-shm-usage", "--disable-background-networking",
                        "--window-size=1400,2400");
        return new ChromeDriver(service, options);
    }

    private static File onPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Arrays.stream(path.split(File.pathSeparator))
                .map(directory -> Path.of(directory, name))
                .filter(Files::isExecutable)
                .findFirst()
                .map(Path::toFile)
                .orElseGet(() -> fail(name + " not found on the PATH; " + INSTALL));
    }
}
