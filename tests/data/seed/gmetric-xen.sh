#!/bin/sh
OPTS="-c /etc/ganglia/gmond.conf"
#We consider the memory consumption of the Domain-0
dom0_memory=`xenstore-read /local/domain/0/memory/target`
gmetric $OPTS -n container.mem_total \
-v $((`xm info|grep total_memory |cut -d ':' -f 2` * 1024 - $dom0_memory)) -u KB -t uint32 -s zero
gmetric $OPTS -n container.cpu_num \
-v `xm info|grep nr_cpus| cut -d ':' -f 2` -t uint8
gmetric $OPTS -n container.type -v xen-3.3 -t string -s zero
gmetric $OPTS -n container.driver.migration -v xen -t string -s zero
#List the VMs on the node (we omit the Domain-0)
while [ true ]; do
vms="`xenstore-ls /local/domain|grep "name ="|grep -v Domain-0|cut -d '"' -f 2`"
gmetric $OPTS -n container.vms \
-v "$vms" -t string -s zero
sleep 1
done
